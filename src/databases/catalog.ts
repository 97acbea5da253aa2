import MiniSearch from 'minisearch';
import { CoordinatorError, invalid } from '../errors.js';
import { DATABASES } from './data.js';
import { type Database, databaseSchema } from './schema.js';

/** The technology catalog, validated once, with lookups by id, name or alias (any case). */
export class DatabaseCatalog {
  readonly all: readonly Database[];
  private readonly byKey = new Map<string, Database>();
  private readonly names: MiniSearch;

  constructor(entries: readonly Database[] = DATABASES) {
    this.all = entries.map((e) => databaseSchema.parse(e));
    for (const db of this.all) {
      for (const key of [db.id, db.name, ...db.aliases].map(normalizeKey)) {
        const taken = this.byKey.get(key);
        if (taken && taken !== db) throw new Error(`database catalog: "${key}" names both ${taken.id} and ${db.id}`);
        this.byKey.set(key, db);
      }
    }
    this.names = new MiniSearch({ fields: ['keys'], idField: 'id' });
    this.names.addAll(this.all.map((d) => ({ id: d.id, keys: [d.id, d.name, ...d.aliases].join(' ') })));
  }

  find(name: string): Database | undefined {
    return this.byKey.get(normalizeKey(name));
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
      `${field} "${nameValue}" is not in the database catalog${suggestions.length ? `; closest: ${suggestions.join(', ')}` : ''} (list_databases shows them all)`,
      { field, rule: 'exists', suggestions },
    );
  }

  closest(name: string, limit = 3): string[] {
    return this.names.search(name, { fuzzy: 0.4, prefix: true, combineWith: 'OR' }).slice(0, limit).map((r) => r.id as string);
  }
}

export function normalizeKey(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}
