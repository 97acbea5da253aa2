import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, EMPTY_HOME, ROOT, SERVER } from '../helpers/spawn.js';
import { ACTION, DESC, tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const INSPECTOR = join(ROOT, 'node_modules', '.bin', 'mcp-inspector');

beforeAll(assertBuilt);

/** The official MCP Inspector in CLI mode: a real client, started as a user would. */
async function inspect(db: string, ...args: string[]) {
  const { stdout } = await run(INSPECTOR, ['--cli', process.execPath, SERVER, '--db', db, ...args], {
    cwd: ROOT, env: { ...process.env, HOME: EMPTY_HOME }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

const payload = (r: { content: { text: string }[]; isError?: boolean }) => JSON.parse(r.content[0]!.text);

describe('the MCP Inspector CLI against the built server', () => {
  it('lists the tools and calls one tool of each family', async () => {
    const db = join(tempDir(), 'inspector.db');
    const { tools } = await inspect(db, '--method', 'tools/list');
    const names = tools.map((t: { name: string }) => t.name);
    for (const n of ['create_flag', 'get_agent_flags', 'search_agents', 'query_catalog', 'recommend_databases', 'get_database']) expect(names).toContain(n);

    const created = await inspect(db, '--method', 'tools/call', '--tool-name', 'create_flag', '--tool-arg', 'flag_type=change', '--tool-arg', 'source_agent=@ci.inspector',
      '--tool-arg', 'target_agent=@frontend.react', '--tool-arg', `change_description=${DESC}`, '--tool-arg', `action_required=${ACTION}`);
    expect(created.isError).toBeFalsy();
    expect(payload(created)).toMatchObject({ success: true, flag_id: 1, to: '@frontend.react' });

    const queue = await inspect(db, '--method', 'tools/call', '--tool-name', 'get_agent_flags', '--tool-arg', 'agent=frontend.react');
    expect(payload(queue).flags[0].id).toBe(1);

    const search = await inspect(db, '--method', 'tools/call', '--tool-name', 'search_agents', '--tool-arg', 'query=Docker Kubernetes deployment pipeline');
    expect(payload(search).results[0].name).toBe('@ops.containers');

    const db2 = await inspect(db, '--method', 'tools/call', '--tool-name', 'get_database', '--tool-arg', 'name=postgres');
    expect(payload(db2).database.id).toBe('postgresql');

    const rec = await inspect(db, '--method', 'tools/call', '--tool-name', 'recommend_databases', '--tool-arg', 'data_model=graph', '--tool-arg', 'deployment=self-hosted');
    expect(payload(rec).ranked[0].id).toBeTruthy();
    expect(payload(rec).excluded_by_reason.flatMap((g: { ids: string[] }) => g.ids)).toContain('neptune');

    const refused = await inspect(db, '--method', 'tools/call', '--tool-name', 'query_catalog', '--tool-arg', 'sql=DELETE FROM flags');
    expect(refused.isError).toBe(true);
    expect(payload(refused)).toMatchObject({ field: 'sql', rule: 'select_only' });

    if (names.includes('plan_migration')) {
      const plan = await inspect(db, '--method', 'tools/call', '--tool-name', 'plan_migration', '--tool-arg', 'source=mysql', '--tool-arg', 'target=postgresql');
      expect(payload(plan).phases).toHaveLength(6);
    }
    const { resources } = await inspect(db, '--method', 'resources/list');
    expect(resources.some((r: { uri: string }) => r.uri === 'agent://service.auth')).toBe(true);
  });
});
