// Which agent files the real Claude Code CLI loads, beside which the catalog loads: the same set.
// Claude Code lists the subagents it loaded in its first request to the model; the request goes to
// a local stand-in for the API here (it answers 400, so no model is called) and is read there.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentCatalog } from '../../src/agents/catalog.js';
import { openStore } from '../../src/store/db.js';
import { claudeBin, freshDir } from './claude.js';

/** Agent files written the ways people (and Claude Code's own generator) write them; our own text. */
const FILES: Record<string, string> = {
  // plain, valid YAML
  'plain-yaml': '---\nname: plain-yaml\ndescription: Reviews pull requests for naming and structure.\ntools: Read, Grep\n---\nYou review code.\n',
  // the generator's form: examples on one line, \n written as two characters ("user: " breaks YAML)
  'one-line-examples': '---\nname: one-line-examples\ndescription: Use this agent for invoice exports. Examples:\\n\\n<example>\\nContext: month end\\nuser: "export the invoices"\\nassistant: "I will use the one-line-examples agent."\\n</example>\ncolor: blue\ntools: Read, Write\n---\nYou export invoices.\n',
  // examples whose user: and assistant: lines start lines of their own (key-like lines)
  'dialogue-lines': '---\nname: dialogue-lines\ndescription: Use this agent for shelf audits. Examples:\\n\\n<example>\\nContext: a stock count\nuser: "counts are off"\\nassistant: "I will audit the shelves."\\n</example>\ntools: Read\n---\nYou audit shelves.\n',
  // a tag on a line of its own (no key): Claude Code does not load it
  'tag-lines': '---\nname: tag-lines\ndescription: Use this agent for label printing. Examples:\\n<example>\\nContext: a print run\nuser: "labels are blank"\n<commentary>\nPrinting needs the label owner.\n</commentary>\n</example>\n---\nYou print labels.\n',
  // examples on unindented lines after a blank line
  'examples-block': '---\nname: examples-block\ndescription: Does something useful.\n\nExamples:\n<example>\nuser: "Do the thing"\nassistant: "On it."\n</example>\nmodel: sonnet\n---\nYou do the thing.\n',
  // a description starting with * (a YAML alias to YAML, text to Claude Code)
  'star-description': '---\nname: star-description\ndescription: **ROUTE PLANNER**: plans delivery routes for the fleet.\ntools: Read\n---\nYou plan routes.\n',
  // a bracket list never closed (Claude Code reads it as a list all the same)
  'open-bracket': '---\nname: open-bracket\ndescription: Tracks parcels.\ntools: [Read, Grep\n---\nYou track parcels.\n',
  // no front matter at all
  'no-front-matter': '# Parcel sorter\n\nSorts parcels by zone.\n',
};

let api: Server;
let bodies: string[] = [];

beforeAll(async () => {
  api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'no model in the system tests' } }));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

/** `claude -p` in a project, its requests sent to the stand-in API; resolves once it exits. */
function runClaude(home: string, cwd: string): Promise<number | null> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: home, USER: 'test', TERM: 'dumb', NO_COLOR: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ANTHROPIC_API_KEY: 'sk-system-test',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
  };
  return new Promise((resolve) => {
    const child = spawn(claudeBin(), ['-p', 'hello', '--max-turns', '1'], { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

describe('agent files Claude Code loads, and the catalog', () => {
  it('load the same agents from files written every common way: generator examples on one line or on key-like lines, *text descriptions, an unclosed bracket list; neither loads tags or examples on lines of their own, or a file without front matter', async () => {
    const home = freshDir('agents-home');
    const project = freshDir('agents-project');
    const dir = join(project, '.claude', 'agents');
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, `${name}.md`), text);
    bodies = [];
    await runClaude(home, project);
    const request = bodies.find((b) => b.includes('plain-yaml'));
    expect(request, 'Claude Code sent no request listing the agents').toBeDefined();
    // The Agent tool's description lists each subagent as "- name: description".
    const listed = Object.keys(FILES).filter((name) => JSON.stringify(JSON.parse(request!)).includes(`- ${name}: `));

    const db = openStore(':memory:');
    const catalog = new AgentCatalog(db, [{ source: 'project', dir }]);
    catalog.refresh();
    const ours = catalog.all().map((a) => a.name.slice(1)).sort();
    db.close();

    expect(listed.sort()).toEqual(['dialogue-lines', 'one-line-examples', 'open-bracket', 'plain-yaml', 'star-description']);
    expect(ours).toEqual(listed.sort());
  }, 120_000);
});
