import { userInfo } from 'node:os';
import { BoardService } from '../board/service.js';
import type { BoardStore } from '../board/store.js';
import { log } from '../log.js';
import type { Services } from '../server.js';
import { PostgresBoardStore } from '../store/postgres/board.js';
import type { PostgresFlagStore } from '../store/postgres/flags.js';
import { SqliteBoardStore } from '../store/sqlite/board.js';

/** The board on the services' store: the flag store's own database (SQLite) or connections (PostgreSQL). */
export function createBoard(services: Services): BoardService {
  const flagStore = services.flags.store;
  const store: BoardStore = flagStore.dialect === 'postgres'
    ? new PostgresBoardStore((flagStore as PostgresFlagStore).connector, flagStore)
    : new SqliteBoardStore(services.db, flagStore);
  const catalog = services.agents.catalog;
  const known = (handle: string) => {
    try {
      return catalog.lookup(handle) !== undefined;
    } catch (err) {
      log.warn('could not read the agent catalog for the board', err);
      return true;
    }
  };
  return new BoardService(store, services.flags, known, Date.now, () => catalog.all().map((a) => a.name));
}

/** The name the board records its user's actions under: --person, else the login name, made a valid name. */
export function defaultPerson(): string {
  let name = 'user';
  try {
    name = userInfo().username;
  } catch {
    // no login name (a container's uid without a passwd entry)
  }
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'user';
}
