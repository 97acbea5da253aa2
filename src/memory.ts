import { setFlagsFromString } from 'node:v8';

/**
 * Heap settings for the server process, applied before the rest of it loads (see index.ts):
 * - the young generation keeps its starting size (two 1 MB semi-spaces) instead of growing to
 *   2 x 16 MB in bursts of allocation (building the search index, runs of large answers): the
 *   server's objects live for one request, so small scavenges cost little;
 * - after each full collection the old generation may grow by 50% before the next one, instead of
 *   V8's default of up to 4x for a small heap.
 * Together they keep a server holding 1,000 agents and 100,000 flags under 100 MB of RSS (bench
 * section 6), with no change in round-trip times that the benchmarks can see. (--optimize-for-size
 * saved as much but made a search over 10,000 agents 2-3 times slower: V8 then leaves large
 * functions unoptimised.) A heap flag the user gives (a node option or NODE_OPTIONS) wins.
 */
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
if (!/semi[-_]space/.test(given)) setFlagsFromString('--semi-space-growth-factor=1');
if (!/heap[-_]growing[-_]percent/.test(given)) setFlagsFromString('--heap-growing-percent=50');
