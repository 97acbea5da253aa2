import { invalid, quoted } from '../errors.js';

export interface MemorySetting {
  name: string;
  value: string;
  bytes: number | null;
  rule: string;
}

export interface SizingInput {
  system: string;
  ram_gb: number;
  max_connections?: number;
  os_reserved_gb?: number;
  persistence?: boolean;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

function human(bytes: number): string {
  if (bytes >= GB) return `${Math.round((bytes / GB) * 10) / 10}GB`;
  if (bytes >= MB) return `${Math.round(bytes / MB)}MB`;
  return `${Math.round(bytes / 1024)}kB`;
}

const setting = (name: string, bytes: number, rule: string): MemorySetting => ({ name, value: human(bytes), bytes: Math.floor(bytes), rule });

/** The seed's memory rules for PostgreSQL, MySQL (InnoDB), MongoDB (WiredTiger) and Redis. */
export function sizeMemory(input: SizingInput) {
  const ram = input.ram_gb;
  if (!(typeof ram === 'number' && ram >= 0.5 && ram <= 24_576)) throw invalid('ram_gb', 'range', 'ram_gb must be the server memory in GB, from 0.5 to 24576');
  const system = input.system.trim().toLowerCase();
  const conns = input.max_connections ?? (system.startsWith('mysql') || system === 'mariadb' ? 151 : 100);
  if (!Number.isInteger(conns) || conns < 1 || conns > 100_000) throw invalid('max_connections', 'range', 'max_connections must be a whole number from 1 to 100000');
  const total = ram * GB;
  const notes: string[] = [];
  let settings: MemorySetting[];
  let config: string;
  let id: string;
  switch (system) {
    case 'postgresql': case 'postgres': case 'pg': {
      id = 'postgresql';
      if (input.os_reserved_gb !== undefined && !(input.os_reserved_gb >= 0 && input.os_reserved_gb <= ram - 0.25)) {
        throw invalid('os_reserved_gb', 'range', `os_reserved_gb (${input.os_reserved_gb}) must leave PostgreSQL at least 0.25 GB of the ${ram} GB of ram_gb: `
          + `give at most ${Math.round((ram - 0.25) * 100) / 100} (by default the OS keeps a quarter of RAM, at most 2 GB)`);
      }
      const reserved = (input.os_reserved_gb ?? Math.min(2, ram / 4)) * GB;
      const available = total - reserved;
      const maintenance = Math.min(available / 16, 2 * GB);
      settings = [
        setting('shared_buffers', available * 0.25, '25% of RAM left after the OS'),
        setting('effective_cache_size', available * 0.75, '75% of RAM left after the OS (a planner hint, not an allocation)'),
        setting('work_mem', Math.max(available / (conns * 3), 4 * MB), 'available RAM / (max_connections x 3), at least 4MB'),
        setting('maintenance_work_mem', maintenance, 'available RAM / 16, at most 2GB (more brings little to VACUUM)'),
        setting('wal_buffers', 16 * MB, 'fixed 16MB'),
      ];
      notes.push(`work_mem is per sort or hash per query, so a complex query may use several times it; ${conns} connections assumed`);
      if (conns > 300) notes.push('more than 300 connections: put PgBouncer in front and lower max_connections');
      config = settings.map((s) => `${s.name} = ${s.value}`).join('\n');
      break;
    }
    case 'mysql': case 'mariadb': {
      id = system;
      const pool = total * 0.7;
      const perConnection = (256 + 512) * 1024 + 2 * MB + 2 * MB;
      settings = [
        setting('innodb_buffer_pool_size', pool, '70% of RAM'),
        setting('innodb_log_file_size', pool * 0.25, '25% of the buffer pool (MySQL 8.0.30+: set innodb_redo_log_capacity to twice this)'),
        setting('tmp_table_size', 64 * MB, 'fixed 64MB'),
        setting('max_heap_table_size', 64 * MB, 'fixed 64MB, equal to tmp_table_size'),
        setting('read_buffer_size', 256 * 1024, 'per connection, 256kB'),
        setting('read_rnd_buffer_size', 512 * 1024, 'per connection, 512kB'),
        setting('sort_buffer_size', 2 * MB, 'per connection, 2MB'),
        setting('join_buffer_size', 2 * MB, 'per connection, 2MB'),
        { name: 'query_cache_size', value: '0', bytes: 0, rule: 'off (the query cache was removed in MySQL 8.0)' },
      ];
      const worst = pool + conns * perConnection;
      notes.push(`worst case: buffer pool + ${conns} connections x ${human(perConnection)} = ${human(worst)} of ${human(total)}`);
      if (worst > total * 0.9) notes.push('the worst case exceeds 90% of RAM: lower max_connections or the buffer pool');
      config = `[mysqld]\n${settings.map((s) => `${s.name} = ${s.value.replace('GB', 'G').replace('MB', 'M').replace('kB', 'K')}`).join('\n')}`;
      break;
    }
    case 'mongodb': case 'mongo': {
      id = 'mongodb';
      const cache = Math.max((total - GB) * 0.5, 0.25 * GB);
      settings = [setting('storage.wiredTiger.engineConfig.cacheSizeGB', cache, '50% of (RAM - 1GB), at least 0.25GB (the MongoDB default)')];
      notes.push('the rest of RAM serves the filesystem cache, connections (about 1MB each) and aggregations');
      config = `storage:\n  wiredTiger:\n    engineConfig:\n      cacheSizeGB: ${Math.round((cache / GB) * 100) / 100}`;
      break;
    }
    case 'redis': case 'valkey': case 'keydb': {
      id = system;
      const persistence = input.persistence ?? true;
      const max = total * (persistence ? 0.45 : 0.75);
      settings = [
        setting('maxmemory', max, persistence ? '45% of RAM: a BGSAVE or AOF rewrite fork may copy every page once (copy-on-write)' : '75% of RAM (no persistence, no fork)'),
        { name: 'maxmemory-policy', value: 'allkeys-lru', bytes: null, rule: 'evict the least recently used keys when full (a cache); use noeviction for a primary store' },
      ];
      if (persistence) notes.push('persistence assumed (RDB or AOF); pass persistence: false for a pure cache to use 75% of RAM');
      config = `maxmemory ${Math.floor(max / MB)}mb\nmaxmemory-policy allkeys-lru`;
      break;
    }
    default:
      throw invalid('system', 'enum', `memory sizing knows postgresql, mysql, mariadb, mongodb and redis (valkey, keydb); got ${quoted(input.system)}`);
  }
  if (input.os_reserved_gb !== undefined && id !== 'postgresql') {
    notes.push(`os_reserved_gb is used for PostgreSQL only; the ${id} rules above take their share of all ${ram} GB: give ram_gb as the memory left for ${id}`);
  }
  return { system: id, ram_gb: ram, max_connections: conns, settings, config, notes };
}
