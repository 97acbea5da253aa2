// `coordinator agents install`: copies the bundled team into a folder Claude Code reads, under
// names Claude Code accepts, without ever replacing a file or an agent the user already has.
import { type Dirent, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { BUNDLED_AGENTS_DIR, projectDir } from '../config.js';
import { invalid } from '../errors.js';
import { MAX_AGENT_FILE_BYTES, parseAgentFile } from './parse.js';

export type InstallScope = 'project' | 'user';

export interface InstallOptions {
  scope?: string;
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** The team to copy (default: the bundled agents/ folder). */
  from?: string;
  /** For tests: runs just before each file is written (to make a file appear after the planning). */
  beforeWrite?: (path: string) => void;
}

export interface InstallResult {
  scope: InstallScope;
  folder: string;
  dry_run: boolean;
  written: { file: string; name: string; alias: string }[];
  skipped: { file: string; name: string; reason: string }[];
  message: string;
}

/**
 * The name Claude Code asks for (lowercase letters, digits and hyphens): `database.postgres`
 * becomes `database-postgres`.
 */
export const installedName = (handle: string): string => handle.replace(/^@/, '').replace(/[._]/g, '-');

/** The agents a folder already defines (names and aliases, as handles), with the file of each. */
function definedIn(folder: string): Map<string, string> {
  const defined = new Map<string, string>();
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true, recursive: true });
  } catch {
    return defined; // no folder yet: nothing defined
  }
  for (const entry of entries) {
    if (!entry.name.endsWith('.md')) continue;
    const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size > MAX_AGENT_FILE_BYTES) continue;
      const parsed = parseAgentFile(readFileSync(path));
      if (!parsed.ok) continue;
      for (const handle of [parsed.agent.name, ...parsed.agent.aliases]) if (!defined.has(handle)) defined.set(handle, path);
    } catch {
      // unreadable: it defines nothing we can see
    }
  }
  return defined;
}

/**
 * A bundled file as installed: `name` hyphenated, the dotted handle kept as an alias (flags sent
 * to it, and the hand-offs the bodies name, still reach the agent), and no `tools` line: a
 * subagent without one inherits every tool of the session, the coordinator's MCP tools included
 * whatever name the server was added under (a list would have to name each mcp__<server>__<tool>).
 */
export function installedText(text: string, name: string, alias: string): string {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) throw new Error('no frontmatter');
  const front = match[1]!.split(/\r?\n/)
    .filter((line) => !/^tools\s*:/.test(line))
    .map((line) => (/^name\s*:/.test(line) ? `name: ${name}\naliases: ["${alias}"]` : line));
  return `---\n${front.join('\n')}\n---${text.slice(match[0].length)}`;
}

export function installBundledAgents(options: InstallOptions = {}): InstallResult {
  const scope = options.scope ?? 'project';
  if (scope !== 'project' && scope !== 'user') throw invalid('scope', 'enum', `--scope must be project or user (got ${JSON.stringify(scope)})`);
  const env = options.env ?? process.env;
  const home = options.home ?? env.HOME ?? homedir();
  const folder = scope === 'user' ? join(home, '.claude', 'agents') : join(projectDir(env, options.cwd ?? process.cwd()), '.claude', 'agents');
  const dryRun = options.dryRun === true;
  const from = options.from ?? BUNDLED_AGENTS_DIR;
  const defined = definedIn(folder);
  // Compared without case: on a case-insensitive file system (macOS, Windows) Database-Postgres.md
  // is the file database-postgres.md would replace.
  const existing = new Set<string>();
  try {
    for (const f of readdirSync(folder)) existing.add(f.toLowerCase());
  } catch {
    // the folder does not exist yet
  }
  const result: InstallResult = { scope, folder, dry_run: dryRun, written: [], skipped: [], message: '' };
  const sources = readdirSync(from).filter((f) => f.endsWith('.md')).sort();
  for (const source of sources) {
    const bytes = readFileSync(join(from, source));
    const parsed = parseAgentFile(bytes);
    if (!parsed.ok) {
      result.skipped.push({ file: source, name: '', reason: `the bundled file cannot be read: ${parsed.reason}` });
      continue;
    }
    const alias = parsed.agent.name;
    const name = installedName(alias);
    const file = `${name}.md`;
    const other = defined.get(`@${name}`) ?? defined.get(alias);
    if (existing.has(file.toLowerCase())) {
      result.skipped.push({ file, name, reason: `${join(folder, file)} already exists (never overwritten)` });
    } else if (other !== undefined) {
      result.skipped.push({ file, name, reason: `${defined.has(`@${name}`) ? `@${name}` : alias} is already defined by ${relative(folder, other) || other}` });
    } else {
      const path = join(folder, file);
      try {
        if (!dryRun) {
          mkdirSync(folder, { recursive: true });
          options.beforeWrite?.(path);
          // 'wx': a file that appeared since the listing is not replaced either
          writeFileSync(path, installedText(bytes.toString('utf8'), name, alias), { flag: 'wx' });
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // one the planning did not see: created meanwhile, or another spelling of the same name
        result.skipped.push({ file, name, reason: `${path} appeared while installing (never overwritten)` });
        continue;
      }
      result.written.push({ file, name: `@${name}`, alias });
      // two files of the team under one installed name: the second is skipped like any taken name
      existing.add(file.toLowerCase());
      defined.set(`@${name}`, path);
      if (!defined.has(alias)) defined.set(alias, path);
    }
  }
  const verb = dryRun ? 'would write' : 'wrote';
  result.message = result.written.length === 0
    ? `nothing to do: all ${result.skipped.length} bundled agents are already in ${folder} (or their names are taken); no file was written`
    : `${verb} ${result.written.length} agent file(s) to ${folder}${result.skipped.length ? `, skipped ${result.skipped.length}` : ''}${dryRun ? ' (dry run: nothing was written)' : ''}`;
  return result;
}
