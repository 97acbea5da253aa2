#!/usr/bin/env node
// The `coordinator` program (bundled as dist/cli.js). `coordinator hook EVENT` runs before every
// prompt and tool call of a Claude Code session, so it loads only the hook's modules (the store
// and the flags service), not the whole command line (the MCP SDK, zod, the catalogs); every
// other verb loads cli.ts.
const args = process.argv.slice(2);
if (args[0] === 'hook' && !args.includes('--help') && !args.includes('-h')) {
  const { runHookCli } = await import('./claude/hooks.js');
  process.exitCode = await runHookCli(args.slice(1), { stdout: (s) => process.stdout.write(s) });
  // A hook that gave up on a store that stopped answering leaves its connection open: the process
  // ends anyway, once what it printed has been written out.
  process.stdout.write('', () => setTimeout(() => process.exit(), 200).unref());
} else {
  await import('./cli.js');
}
