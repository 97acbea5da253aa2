import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { AgentCatalog, type AgentRoot, type BundledMode } from '../../src/agents/catalog.js';
import { AgentSearch } from '../../src/agents/search.js';
import { AgentService } from '../../src/agents/service.js';
import { openStore, type DB } from '../../src/store/db.js';
import { tempDir } from './tmp.js';

/** Writes an agent file; frontmatter values are written as given (YAML). */
export function writeAgent(dir: string, file: string, fields: Record<string, string>, body = 'Owns things.'): string {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  const front = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n');
  writeFileSync(path, `---\n${front}\n---\n\n${body}\n`);
  return path;
}

/**
 * Before each test: a fresh store in a temporary folder, and stderr captured (the catalog warns
 * there); after it, both undone. `set` receives them for the test file's own variables.
 */
export function withStoreAndStderr(set: (db: DB, stderr: string[]) => void): void {
  let db: DB | undefined;
  beforeEach(() => {
    db = openStore(join(tempDir(), 'c.db'));
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    set(db, stderr);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    db?.close();
  });
}

/** A catalog of these folders, read now, with its search and service (bundled: the team's mode, auto by default). */
export function loadAgents(db: DB, roots: AgentRoot[], bundled?: BundledMode) {
  const catalog = new AgentCatalog(db, roots, { bundled });
  catalog.refresh();
  const search = new AgentSearch(catalog);
  return { catalog, search, service: new AgentService(catalog, search) };
}
