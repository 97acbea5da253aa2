import Database from 'better-sqlite3';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk } from '../helpers/client.js';
import { assertBuilt, spawnServer } from '../helpers/spawn.js';
import { flagInput } from '../helpers/tmp.js';

let dir: string;
let server: Awaited<ReturnType<typeof spawnServer>>;
let toolArgs: Record<string, string[]>;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'coordinator-fuzz-'));
  server = await spawnServer(['--db', join(dir, 'fuzz.db')]);
  const { tools } = await server.client.listTools();
  toolArgs = Object.fromEntries(tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})]));
  await callOk(server.client, 'create_flag', flagInput());
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const nasty = fc.oneof(
  fc.string(), fc.string({ minLength: 2000, maxLength: 30_000 }), fc.integer(), fc.integer({ min: -1e9, max: 0 }), fc.double(), fc.boolean(),
  fc.constant(null), fc.constant(''), fc.constantFrom("'; DROP TABLE flags; --", '@@', '@a.b', 'ﷺ🚀\u0000', '../../etc/passwd', '1 OR 1=1', '{"$gt": ""}', '#12'),
  fc.array(fc.string(), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
);

describe('5,000 random and malformed tool calls', () => {
  it('never crash the server, always answer, name the argument when refusing, and leave no half-made row', async () => {
    const names = Object.keys(toolArgs);
    const call = fc.record({
      tool: fc.oneof(fc.constantFrom(...names), fc.constantFrom('no_such_tool', '')),
      // A valid-looking base with some fields replaced, removed or added.
      base: fc.boolean(),
      overrides: fc.dictionary(fc.oneof(fc.constantFrom(...new Set(Object.values(toolArgs).flat())), fc.string({ maxLength: 10 })), nasty, { maxKeys: 4 }),
      drop: fc.array(fc.constantFrom('source_agent', 'target_agent', 'flag_type', 'id', 'agent', 'query', 'name', 'sql'), { maxLength: 2 }),
    });
    const samples = fc.sample(call, { numRuns: 5000, seed: 20261127 });
    // A second connection reads both flag tables whole before and after every call that is refused.
    const reader = new Database(join(dir, 'fuzz.db'), { readonly: true });
    const readAll = [reader.prepare('SELECT * FROM flags ORDER BY id').raw(), reader.prepare('SELECT * FROM flag_history ORDER BY id').raw()];
    const contents = () => JSON.stringify(readAll.map((st) => st.all()));
    let before = contents();
    let refused = 0;
    for (const s of samples) {
      const args: Record<string, unknown> = s.base ? { ...flagInput(), id: 1, agent: '@fuzz.agent', query: 'x', name: 'postgres', sql: 'SELECT 1', ...s.overrides } : { ...s.overrides };
      for (const d of s.drop) delete args[d];
      let result: CallToolResult;
      try {
        result = (await server.client.callTool({ name: s.tool, arguments: args })) as CallToolResult;
      } catch (err) {
        // Only a protocol-level refusal of an unknown tool is acceptable here.
        expect(String(err), JSON.stringify(s).slice(0, 300)).toMatch(/not found|Tool .* not found/i);
        continue;
      }
      if (result.isError) {
        refused++;
        const message = (result.content[0] as { text: string }).text;
        const where = `${s.tool}: ${message.slice(0, 300)}`;
        expect(message, where).not.toMatch(/internal error/);
        const after = contents();
        expect(after === before, `a refused call changed flags or flag_history: ${where}`).toBe(true);
        if (!(s.tool in toolArgs)) {
          expect(message, where).toMatch(/^Tool .* not found/);
          continue;
        }
        // The refusal names one of this tool's arguments (an unknown argument: the one given).
        const { field, rule } = JSON.parse(message) as { field?: string; rule?: string };
        expect(typeof field, where).toBe('string');
        if (rule === 'unrecognized_keys') {
          for (const key of field!.split(', ')) {
            expect(key in args && !toolArgs[s.tool]!.includes(key), where).toBe(true);
          }
        } else {
          expect(toolArgs[s.tool], where).toContain(field!.split('.')[0]);
        }
      } else {
        before = contents();
      }
    }
    reader.close();
    expect(refused).toBeGreaterThan(1000);
    const ok = await callOk(server.client, 'create_flag', flagInput({ source_agent: '@after.fuzz' }));
    expect((await callOk(server.client, 'get_flag', { id: ok.flag_id })).flag.source_agent).toBe('@after.fuzz');
    const raw = new Database(join(dir, 'fuzz.db'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const halfMade = raw.prepare(`SELECT count(*) FROM flags WHERE length(change_description) < 50 OR length(action_required) < 100
      OR id NOT IN (SELECT flag_id FROM flag_history WHERE action = 'created')`).pluck().get();
    expect(halfMade).toBe(0);
    raw.close();
  });

  it('refuses huge names in every name argument quickly, naming the argument, without echoing them whole', async () => {
    const huge = 'a'.repeat(100_000);
    const calls: [string, Record<string, unknown>, string][] = [
      ['get_agent', { name: huge }, 'name'],
      ['get_database', { name: huge }, 'name'],
      ['plan_migration', { source: huge, target: 'postgresql' }, 'source'],
      ['recommend_databases', { workloads: ['oltp'], existing_systems: [huge] }, 'existing_systems'],
      ['get_agent_flags', { agent: huge }, 'agent'],
      ['create_flag', flagInput({ target_agent: huge }), 'target_agent'],
      ['get_architecture_pattern', { name: huge }, 'name'],
      ['size_database_memory', { system: huge, ram_gb: 8 }, 'system'],
      ['list_flags', { since: huge }, 'since'],
      ['search_agents', { query: 'b'.repeat(1000) }, ''],
    ];
    for (const [tool, args, field] of calls) {
      const result = (await server.client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = (result.content[0] as { text: string }).text;
      if (!field) {
        expect(result.isError, `${tool}: ${text.slice(0, 200)}`).toBeFalsy(); // a long query is searched, exactly
        expect(text, tool).not.toContain('a'.repeat(100));
        continue;
      }
      expect(result.isError, tool).toBe(true);
      expect(text, tool).not.toMatch(/internal error/);
      expect(text, tool).toContain(field);
      expect(text.length, tool).toBeLessThan(2000);
    }
    expect(JSON.stringify(await callOk(server.client, 'get_database', { name: 'postgres' }))).toContain('"id":"postgresql"');
  });
});
