import {
  closeSync, constants as fsConstants, type Dirent, type FSWatcher, fstatSync, openSync, readdirSync, readSync, type Stats, statSync, watch,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { log } from '../log.js';
import type { DB } from '../store/db.js';
import { nowIso } from '../time.js';
import { AGENT_LIMITS, type AgentDefinition, hashContent, MAX_AGENT_FILE_BYTES, parseAgentFile, tooLarge } from './parse.js';

/**
 * The most a row written within the limits can hold: JSON may spell a character of the front
 * matter in up to six (\u0000), and each list item costs its quotes and comma.
 */
const STORED_FRONTMATTER_CHARS = AGENT_LIMITS.frontmatterChars * 6;
const STORED_LISTS_CHARS = 4 * AGENT_LIMITS.items * (AGENT_LIMITS.field * 6 + 3);

/** Where an agent file comes from; the roots are ordered so that a later folder wins. */
export type AgentSource = 'bundled' | 'plugin' | 'extra' | 'user' | 'project';
export const AGENT_SOURCES: readonly AgentSource[] = ['bundled', 'plugin', 'extra', 'user', 'project'];

export interface AgentRoot {
  source: AgentSource;
  dir: string;
  /** For a plugin's agents folder: the plugin's name, which prefixes its agents' handles (@plugin:agent). */
  plugin?: string;
}

/**
 * The bundled team: 'on' is always searched; 'auto' only while no agent of any other source is
 * active (the user has agents of their own: a flag to a bundled agent would reach nobody).
 * 'off' leaves the bundled folder out of the roots altogether.
 */
export type BundledMode = 'auto' | 'on' | 'off';

export interface CatalogOptions {
  bundled?: BundledMode;
}

/** Why a bundled agent is not used in auto mode (agents_catalog.error of its 'standby' row). */
export const STANDBY_REASON = 'bundled starter agent, not used while agents of your own are active (--bundled-agents auto; "coordinator agents install" copies the team into .claude/agents)';

/** What the catalog keeps in memory of an agent: its definition without the body, and where it comes from. */
export interface AgentSummary extends Pick<AgentDefinition, 'name' | 'description' | 'tags' | 'capabilities' | 'model' | 'color' | 'tools' | 'aliases'> {
  domain: string | null;
  module: string;
  source: AgentSource;
  path: string;
  content_hash: string;
  /** Other files defining the same name, which this one overrides. */
  shadows: string[];
}

interface CatalogRow {
  path: string;
  name: string;
  domain: string | null;
  module: string;
  source: AgentSource;
  description: string;
  tags: string;
  capabilities: string;
  model: string | null;
  color: string | null;
  tools: string;
  aliases: string;
  frontmatter: string;
  body: string;
  status: 'active' | 'shadowed' | 'standby' | 'inactive' | 'broken';
  shadowed_by: string | null;
  error: string | null;
  content_hash: string;
  mtime_ms: number;
  size: number;
  updated_at: string;
}

type RowMeta = Omit<CatalogRow, 'body' | 'frontmatter'>;

interface ScannedFile {
  path: string;
  source: AgentSource;
  plugin?: string;
  /** The position of its folder in the roots: a later folder wins over an earlier one. */
  rank: number;
  mtimeMs: number;
  size: number;
}

export interface CatalogChange {
  added: number;
  updated: number;
  removed: number;
  broken: number;
}

function splitName(name: string): { domain: string | null; module: string } {
  const bare = name.slice(1);
  const dot = bare.indexOf('.');
  return dot < 0 ? { domain: null, module: bare } : { domain: bare.slice(0, dot), module: bare.slice(dot + 1) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** What a non-regular file is, for a warning. */
function kindOf(st: Pick<Stats, 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Lists the .md files under one root. Names are read as bytes: a name that is not UTF-8 is
 * reported rather than silently mangled (and a folder with such a name does not hide the rest of
 * the root). A symlink counts when it leads to a regular file; a symlink to a folder is not
 * followed. Nothing here opens a file, so a FIFO cannot block the walk.
 */
function scanRoot(root: AgentRoot, rank: number, out: Map<string, ScannedFile>, skip: (path: string, reason: string) => void): void {
  const folders = [resolve(root.dir)];
  while (folders.length > 0) {
    const dir = folders.pop()!;
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      // a missing root is an empty source; an unreadable subfolder is worth a word
      if (dir !== resolve(root.dir)) skip(dir, `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    for (const entry of entries) {
      const raw = entry.name;
      let name: string;
      try {
        name = utf8.decode(raw);
      } catch {
        const shown = join(dir, raw.toString('utf8'));
        if (entry.isDirectory()) skip(shown, 'folder name is not valid UTF-8; the files under it are not read');
        else if (raw.subarray(-3).toString('latin1') === '.md') skip(shown, 'file name is not valid UTF-8');
        continue;
      }
      const path = join(dir, name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) folders.push(path);
        continue;
      }
      if (!name.endsWith('.md')) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) {
        skip(path, `${kindOf(entry)}, not a regular file`);
        continue;
      }
      let st: Stats;
      try {
        st = statSync(path); // follows a symlink to its target
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (!entry.isSymbolicLink()) continue; // removed between readdir and stat: it is simply not there
        skip(path, code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'dangling symlink (its target does not exist)' : `cannot follow the symlink (${code})`);
        continue;
      }
      if (!st.isFile()) {
        skip(path, `symlink to ${kindOf(st)}, not a regular file`);
        continue;
      }
      // A folder inside another (an extra folder that holds .claude/agents) lists a file twice:
      // it belongs to the higher-ranked one.
      if ((out.get(path)?.rank ?? -1) < rank) out.set(path, { path, source: root.source, plugin: root.plugin, rank, mtimeMs: st.mtimeMs, size: st.size });
    }
  }
}

/**
 * The bytes of an agent file, read only if it is a regular file within the size limit. It is
 * opened without blocking (a FIFO swapped in after the scan must not hang the server) and read
 * no further than one byte past the limit, whatever size it has grown to since it was listed.
 */
function readAgentFile(path: string): { bytes: Buffer } | { reason: string; size?: number } {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOCTTY);
  } catch (err) {
    return { reason: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { reason: `${kindOf(st)}, not a regular file` };
    if (st.size > MAX_AGENT_FILE_BYTES) return { reason: tooLarge(st.size), size: st.size };
    // Room for the size it has plus one byte, to see it grow; grown past the limit, it is refused.
    let buffer = Buffer.allocUnsafe(st.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_AGENT_FILE_BYTES) {
        const size = Math.max(length, fstatSync(fd).size);
        return { reason: tooLarge(size), size };
      }
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(MAX_AGENT_FILE_BYTES + 1 - length)]);
    }
    return { bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { reason: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The agent catalog: the files of every root, mirrored in agents_catalog. A refresh stats every
 * file and reads only those whose size or modification time changed, so an unchanged catalog of
 * a thousand files costs a directory walk and one query.
 */
export class AgentCatalog {
  private agents = new Map<string, AgentSummary>();
  /** alias -> the name of the active agent that declares it. */
  private aliases = new Map<string, string>();
  private warned = new Set<string>();
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private listeners: (() => void)[] = [];
  private fresh = false;
  private watchRequested: number | undefined;
  private closed = false;
  private changes = 0;

  readonly bundled: Exclude<BundledMode, 'off'>;

  constructor(private readonly db: DB, readonly roots: AgentRoot[], options: CatalogOptions = {}) {
    this.bundled = options.bundled === 'on' ? 'on' : 'auto';
  }

  /**
   * Reads the folders if that has not happened yet. Every reader calls it, so a server can answer
   * the MCP handshake before walking a thousand files (start-up does not grow with the catalog),
   * and the first question about agents still sees every file.
   */
  ensureFresh(): void {
    if (!this.fresh) this.refresh();
  }

  /** Bumped whenever the set of active agents changes; the search index rebuilds on a new one. */
  get version(): number {
    this.ensureFresh();
    return this.changes;
  }

  get size(): number {
    this.ensureFresh();
    return this.agents.size;
  }

  all(): AgentSummary[] {
    this.ensureFresh();
    return [...this.agents.values()];
  }

  get(name: string): AgentSummary | undefined {
    this.ensureFresh();
    return this.agents.get(name);
  }

  has(name: string): boolean {
    this.ensureFresh();
    return this.agents.has(name);
  }

  /** An active agent by its name or one of its aliases; `alias` says which was given. */
  lookup(name: string): { agent: AgentSummary; alias: boolean } | undefined {
    this.ensureFresh();
    const agent = this.agents.get(name);
    if (agent) return { agent, alias: false };
    const real = this.aliases.get(name);
    const aliased = real === undefined ? undefined : this.agents.get(real);
    return aliased ? { agent: aliased, alias: true } : undefined;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The body and frontmatter of an active agent, read from the store. */
  details(name: string): { body: string; frontmatter: Record<string, unknown> } | undefined {
    const agent = this.get(name);
    if (!agent) return undefined;
    const row = this.db.prepare('SELECT body, frontmatter FROM agents_catalog WHERE path = ?').get(agent.path) as
      | { body: string; frontmatter: string } | undefined;
    return row ? { body: row.body, frontmatter: JSON.parse(row.frontmatter) as Record<string, unknown> } : undefined;
  }

  /** The bodies of the winning files (rows of folders another process reads may be active too). */
  bodies(): Map<string, string> {
    this.ensureFresh();
    const rows = this.db.prepare("SELECT path, body FROM agents_catalog WHERE status = 'active'").all() as { path: string; body: string }[];
    const byPath = new Map(rows.map((r) => [r.path, r.body]));
    return new Map([...this.agents.values()].map((a) => [a.name, byPath.get(a.path) ?? '']));
  }

  /** Re-reads the roots and brings agents_catalog and the in-memory view up to date. */
  refresh(): CatalogChange {
    const scannedByPath = new Map<string, ScannedFile>();
    this.roots.forEach((root, rank) => scanRoot(root, rank, scannedByPath, (path, reason) => this.warn(path, `skip:${reason}`, reason)));
    const scanned = [...scannedByPath.values()];
    const rootDirs = this.roots.map((r) => resolve(r.dir));
    const underRoots = (path: string) => rootDirs.some((d) => path.startsWith(`${d}/`));
    // A row stored before the limits existed may hold an expanded alias bomb: `oversized` makes
    // its file be read and written again (marked broken) even though it has not changed.
    const reparse = new Set<string>();
    const known = new Map(
      (this.db.prepare(`SELECT path, name, domain, module, source, description, tags, capabilities, model, color, tools, aliases, status,
          shadowed_by, error, content_hash, mtime_ms, size, updated_at,
          (length(frontmatter) > ${STORED_FRONTMATTER_CHARS} OR length(description) > ${AGENT_LIMITS.description}
            OR length(tags) + length(capabilities) + length(tools) + length(aliases) > ${STORED_LISTS_CHARS}) AS oversized
          FROM agents_catalog`).all() as (RowMeta & { oversized: number })[])
        .map(({ oversized, ...r }) => {
          if (oversized) reparse.add(r.path);
          return [r.path, r];
        }),
    );
    const change: CatalogChange = { added: 0, updated: 0, removed: 0, broken: 0 };
    const writes: { row: CatalogRow | RowMeta; full: boolean }[] = [];
    const now = nowIso();
    const current = new Map<string, RowMeta>();

    for (const file of scanned) {
      const old = known.get(file.path);
      if (old && old.mtime_ms === file.mtimeMs && old.size === file.size && old.source === file.source && old.status !== 'inactive' &&
        !reparse.has(file.path)) {
        current.set(file.path, old);
        continue;
      }
      let parsed: ReturnType<typeof parseAgentFile>;
      const parseOptions = file.source === 'plugin' ? { namespace: file.plugin, fallbackName: basename(file.path, '.md') } : {};
      // The size the listing gave is checked before anything is opened: a huge file is never read.
      const read = file.size > MAX_AGENT_FILE_BYTES ? { reason: tooLarge(file.size), size: file.size } : readAgentFile(file.path);
      if ('bytes' in read) {
        try {
          parsed = parseAgentFile(read.bytes, parseOptions);
        } catch (err) {
          parsed = { ok: false, hash: '', reason: `cannot parse it (${(err as Error).message.slice(0, 200)})` };
        }
      } else if (read.size !== undefined) {
        // too large: stands for its content the size and time it was last changed, unread
        parsed = { ok: false, hash: hashContent(Buffer.from(`unread:${read.size}:${file.mtimeMs}`)), reason: read.reason };
      } else {
        this.warn(file.path, 'unreadable', read.reason);
        continue;
      }
      const base = { path: file.path, source: file.source, content_hash: parsed.hash, mtime_ms: file.mtimeMs, size: file.size, updated_at: now };
      let row: CatalogRow;
      if (parsed.ok) {
        const a = parsed.agent;
        row = {
          ...base, name: a.name, ...splitName(a.name), description: a.description, tags: JSON.stringify(a.tags),
          capabilities: JSON.stringify(a.capabilities), model: a.model, color: a.color, tools: JSON.stringify(a.tools),
          aliases: JSON.stringify(a.aliases), frontmatter: JSON.stringify(a.frontmatter), body: a.body, status: 'active', shadowed_by: null, error: null,
        };
      } else {
        this.warn(file.path, parsed.hash, parsed.reason);
        row = {
          ...base, name: '', domain: null, module: '', description: '', tags: '[]', capabilities: '[]', model: null, color: null,
          tools: '[]', aliases: '[]', frontmatter: '{}', body: '', status: 'broken', shadowed_by: null, error: parsed.reason,
        };
        change.broken++;
      }
      if (old && old.content_hash === row.content_hash && old.status !== 'inactive' && old.source === row.source && !reparse.has(file.path)) {
        writes.push({ row: { ...old, mtime_ms: file.mtimeMs, size: file.size }, full: false });
        current.set(file.path, { ...old, mtime_ms: file.mtimeMs, size: file.size });
        continue;
      }
      if (old && old.status !== 'inactive') change.updated++;
      else change.added++;
      writes.push({ row, full: true });
      current.set(file.path, row);
    }

    for (const old of known.values()) {
      if (old.status !== 'inactive' && !current.has(old.path) && underRoots(old.path)) {
        writes.push({ row: { ...old, status: 'inactive', shadowed_by: null, updated_at: now }, full: false });
        change.removed++;
      }
    }

    const resolved = this.resolveNames([...current.values()], (path) => scannedByPath.get(path)?.rank ?? -1);
    for (const [path, decision] of resolved.statuses) {
      const row = current.get(path)!;
      if (row.status !== decision.status || row.shadowed_by !== decision.shadowed_by || row.error !== decision.error) {
        const pendingWrite = writes.find((w) => w.row.path === path);
        const updated = { ...row, ...decision, updated_at: now };
        if (pendingWrite) pendingWrite.row = { ...pendingWrite.row, ...decision };
        else writes.push({ row: updated, full: false });
        current.set(path, updated);
      }
    }

    if (writes.length > 0) this.write(writes);
    const before = this.fingerprint();
    this.agents = resolved.winners;
    this.aliases = resolved.aliases;
    const first = !this.fresh;
    this.fresh = true;
    if (this.fingerprint() !== before || first) {
      this.changes++;
      for (const listener of this.listeners) listener();
    }
    if (this.watchRequested !== undefined) this.startWatching(this.watchRequested);
    return change;
  }

  /** One name, one winner: the file of the highest-ranked folder; within one folder the first path wins. */
  private resolveNames(rows: RowMeta[], rankOf: (path: string) => number) {
    const statuses = new Map<string, { status: CatalogRow['status']; shadowed_by: string | null; error: string | null }>();
    const byName = new Map<string, RowMeta[]>();
    for (const row of rows) {
      if (row.status === 'broken' && row.name === '') continue;
      const group = byName.get(row.name) ?? [];
      group.push(row);
      byName.set(row.name, group);
    }
    const winners = new Map<string, AgentSummary>();
    for (const [name, group] of byName) {
      group.sort((a, b) => rankOf(b.path) - rankOf(a.path) || a.path.localeCompare(b.path));
      const [winner, ...rest] = group as [RowMeta, ...RowMeta[]];
      statuses.set(winner.path, { status: 'active', shadowed_by: null, error: null });
      const shadows: string[] = [];
      // The first file of each folder is that folder's definition; a second one in the same
      // folder is broken, whether or not a higher folder overrides the name.
      const firstIn = new Map<number, RowMeta>([[rankOf(winner.path), winner]]);
      for (const loser of rest) {
        const rank = rankOf(loser.path);
        const first = firstIn.get(rank);
        if (first) {
          const reason = `duplicate name ${name} in the same ${loser.source} folder as ${first.path}`;
          this.warn(loser.path, `dup:${first.path}`, reason);
          statuses.set(loser.path, { status: 'broken', shadowed_by: null, error: reason });
        } else {
          firstIn.set(rank, loser);
          statuses.set(loser.path, { status: 'shadowed', shadowed_by: winner.path, error: null });
          shadows.push(loser.path);
        }
      }
      winners.set(name, {
        name, domain: winner.domain, module: winner.module, source: winner.source as AgentSource, path: winner.path,
        description: winner.description, tags: JSON.parse(winner.tags) as string[], capabilities: JSON.parse(winner.capabilities) as string[],
        model: winner.model, color: winner.color, tools: JSON.parse(winner.tools) as string[],
        aliases: JSON.parse(winner.aliases ?? '[]') as string[], content_hash: winner.content_hash, shadows,
      });
    }
    // Auto mode: the bundled team is a starter kit, searched only while the user has no agent of
    // their own (decided on every refresh: the first one may appear while the server runs).
    if (this.bundled === 'auto' && [...winners.values()].some((a) => a.source !== 'bundled')) {
      for (const [name, agent] of winners) {
        if (agent.source !== 'bundled') continue;
        winners.delete(name);
        statuses.set(agent.path, { status: 'standby', shadowed_by: null, error: STANDBY_REASON });
      }
    }
    // Aliases: another handle of an active agent, which names it everywhere (flags sent to it,
    // by it or locked under it are the agent's). So:
    // - a plugin's agent may only declare aliases in its own namespace (@plugin:...): a plugin
    //   installed for one reviewer must not take over @backend.api; others are ignored, one
    //   warning per file;
    // - an alias of a project, user or extra agent that is an active bundled agent's name (with
    //   --bundled-agents on) wins over it: the bundled agent is shadowed, as by a file of that
    //   name, since the user's agent is the one Claude Code runs. A bundled agent on standby has
    //   no claim at all (that is how "coordinator agents install" keeps the dotted handles);
    // - any other alias that is an active agent's name, or that an agent of a higher folder
    //   already declares, is ignored with a warning.
    const byRank = [...winners.values()].sort((a, b) => rankOf(b.path) - rankOf(a.path) || a.name.localeCompare(b.name));
    for (const agent of byRank) {
      if (agent.source !== 'plugin') continue;
      const colon = agent.name.indexOf(':');
      const own = colon < 0 ? '@<plugin>:' : agent.name.slice(0, colon + 1);
      const outside = agent.aliases.filter((alias) => colon < 0 || !alias.startsWith(own));
      if (outside.length === 0) continue;
      agent.aliases = agent.aliases.filter((alias) => !outside.includes(alias));
      this.warn(agent.path, `plugin-alias:${outside.join(',')}`, `aliases ${outside.join(', ')} of ${agent.name} are ignored: a plugin's agent may only declare aliases in its own namespace (${own}...)`, 'agent file');
    }
    const claimed = new Set<string>();
    for (const agent of byRank) {
      if (agent.source === 'bundled') continue;
      for (const alias of agent.aliases) {
        if (claimed.has(alias)) continue;
        claimed.add(alias);
        const bundled = winners.get(alias);
        if (bundled?.source !== 'bundled') continue;
        winners.delete(alias);
        statuses.set(bundled.path, { status: 'shadowed', shadowed_by: agent.path, error: null });
        agent.shadows.push(bundled.path);
      }
    }
    const aliases = new Map<string, string>();
    for (const agent of byRank) {
      if (winners.get(agent.name) !== agent) continue; // a bundled agent shadowed by an alias
      agent.aliases = agent.aliases.filter((alias) => {
        const other = winners.get(alias)?.path ?? (aliases.has(alias) ? `${aliases.get(alias)} (which declares it too)` : undefined);
        if (other === undefined) {
          aliases.set(alias, agent.name);
          return true;
        }
        this.warn(agent.path, `alias:${alias}:${other}`, `alias ${alias} of ${agent.name} is ignored: ${winners.has(alias) ? 'it is the name of the active agent in' : 'it is already an alias of'} ${other}`, 'agent file');
        return false;
      });
    }
    return { statuses, winners, aliases };
  }

  private write(writes: { row: CatalogRow | RowMeta; full: boolean }[]): void {
    const full = this.db.prepare(`INSERT INTO agents_catalog (path, name, domain, module, source, description, tags, capabilities, model,
        color, tools, aliases, frontmatter, body, status, shadowed_by, error, content_hash, mtime_ms, size, updated_at)
      VALUES (@path, @name, @domain, @module, @source, @description, @tags, @capabilities, @model, @color, @tools, @aliases, @frontmatter, @body,
        @status, @shadowed_by, @error, @content_hash, @mtime_ms, @size, @updated_at)
      ON CONFLICT (path) DO UPDATE SET name = excluded.name, domain = excluded.domain, module = excluded.module, source = excluded.source,
        description = excluded.description, tags = excluded.tags, capabilities = excluded.capabilities, model = excluded.model,
        color = excluded.color, tools = excluded.tools, aliases = excluded.aliases, frontmatter = excluded.frontmatter, body = excluded.body, status = excluded.status,
        shadowed_by = excluded.shadowed_by, error = excluded.error, content_hash = excluded.content_hash, mtime_ms = excluded.mtime_ms,
        size = excluded.size, updated_at = excluded.updated_at`);
    const meta = this.db.prepare(`UPDATE agents_catalog SET status = @status, shadowed_by = @shadowed_by, error = @error,
        mtime_ms = @mtime_ms, size = @size, updated_at = @updated_at WHERE path = @path`);
    const tx = this.db.transaction(() => {
      for (const w of writes) (w.full ? full : meta).run(w.row);
    });
    tx.immediate();
  }

  private fingerprint(): string {
    return [...this.agents.values()].map((a) => `${a.name}:${a.content_hash}:${a.path}:${a.aliases.join(',')}`).sort().join('|');
  }

  /** One warning per file and problem, however often the catalog is refreshed. */
  private warn(path: string, key: string, reason: string, what = 'skipped agent file'): void {
    const id = `${path}\0${key}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    log.warn(`${what} ${path}: ${reason}`);
  }

  /**
   * Refreshes when files change (debounced), and every pollSeconds in case an event was missed.
   * The watching starts with the first read of the folders.
   */
  watch(pollSeconds = 30): void {
    this.watchRequested = pollSeconds;
    if (this.fresh) this.startWatching(pollSeconds);
  }

  private startWatching(pollSeconds: number): void {
    if (this.timer || this.closed) return;
    const schedule = () => {
      clearTimeout(this.pending);
      this.pending = setTimeout(() => this.safeRefresh(), 150);
      this.pending.unref();
    };
    for (const root of this.roots) {
      try {
        const watcher = watch(root.dir, { recursive: true }, schedule);
        watcher.on('error', () => undefined);
        watcher.unref();
        this.watchers.push(watcher);
      } catch {
        // the folder does not exist (yet): the poll picks it up if it appears
      }
    }
    this.timer = setInterval(() => this.safeRefresh(), pollSeconds * 1000);
    this.timer.unref();
  }

  private safeRefresh(): void {
    try {
      this.refresh();
    } catch (err) {
      log.warn('agent catalog refresh failed (will retry)', err);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    this.watchers = [];
    clearInterval(this.timer);
    clearTimeout(this.pending);
  }
}
