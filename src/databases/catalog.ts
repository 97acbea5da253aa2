import MiniSearch from 'minisearch';
import { CoordinatorError, invalid, quoted } from '../errors.js';
import { DATABASES } from './data.js';
import { type Database, databaseSchema } from './schema.js';

/** The technology catalog, validated once, with lookups by id, name or alias (any case). */
export class DatabaseCatalog {
  private loaded: { all: readonly Database[]; byKey: Map<string, Database>; names: MiniSearch } | undefined;

  /** Entries are validated and indexed on first use, not at server start. */
  constructor(private readonly entries: readonly Database[] = DATABASES, options: { eager?: boolean } = {}) {
    if (options.eager) this.load();
  }

  private load() {
    if (this.loaded) return this.loaded;
    const all = this.entries.map((e) => databaseSchema.parse(e));
    const byKey = new Map<string, Database>();
    for (const db of all) {
      for (const key of [db.id, db.name, ...db.aliases].map(normalizeKey)) {
        const taken = byKey.get(key);
        if (taken && taken !== db) throw new Error(`database catalog: "${key}" names both ${taken.id} and ${db.id}`);
        byKey.set(key, db);
      }
    }
    const names = new MiniSearch({ fields: ['keys'], idField: 'id' });
    names.addAll(all.map((d) => ({ id: d.id, keys: [d.id, d.name, ...d.aliases].join(' ') })));
    this.loaded = { all, byKey, names };
    return this.loaded;
  }

  get all(): readonly Database[] {
    return this.load().all;
  }

  find(name: string): Database | undefined {
    return this.load().byKey.get(normalizeKey(name));
  }

  /** By id, name or alias; an unknown name is refused with the closest ones. */
  get(nameValue: unknown, field = 'name'): Database {
    if (typeof nameValue !== 'string' || nameValue.trim() === '') {
      throw invalid(field, 'non_empty', `${field} must name a database technology, e.g. "postgresql" or "mongo"`);
    }
    const found = this.find(nameValue);
    if (found) return found;
    const suggestions = this.closest(nameValue);
    throw new CoordinatorError(
      'not_found',
      `${field} ${quoted(nameValue)} is not in the database catalog${suggestions.length ? `; closest: ${suggestions.join(', ')}` : ''} (list_databases shows them all)`,
      { field, rule: 'exists', suggestions },
    );
  }

  closest(name: string, limit = 3): string[] {
    // No database has a long name; a fuzzy look-up of a huge string would take memory by the GB.
    if (name.length > 64) return [];
    return this.load().names.search(name, { fuzzy: 0.4, prefix: true, combineWith: 'OR' }).slice(0, limit).map((r) => r.id as string);
  }
}

export function normalizeKey(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}
