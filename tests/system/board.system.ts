// The board in a real browser: Debian's chromium driven by playwright-core (both installed by
// scripts/test-system.mjs, which passes their paths). The board runs as the built `coordinator ui`
// on a seeded SQLite store; a flag is created through the built MCP server on the same file and
// must appear on the open page without a reload. Screenshots of the main views go to docs/board/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagService } from '../../src/flags/service.js';
import { openStore } from '../../src/store/db.js';
import { SqliteFlagStore } from '../../src/store/sqlite/flags.js';
import { BoardSession, type BoardProcess, startBoard } from '../helpers/board.js';
import { assertBuilt, ROOT, spawnServer } from '../helpers/spawn.js';
import { ACTION, flagInput } from '../helpers/tmp.js';

const CHROMIUM = process.env.CHROMIUM_BIN;
const PLAYWRIGHT = process.env.PLAYWRIGHT_CORE;
if (!CHROMIUM || !PLAYWRIGHT) throw new Error('CHROMIUM_BIN and PLAYWRIGHT_CORE are not set: run these tests with npm run test:system (it installs both)');

const XSS_DESC = '<script>window.__owned = 1; alert(1)</script> The payments webhook "><img src=x onerror="window.__owned=2;alert(2)"> now signs its body';
const SHOTS = join(ROOT, 'docs', 'board');

type Page = any;
type Browser = any;

/** A store a team would have after a morning: queues for several agents, a chain, a broadcast, a stuck lease, an agent not in the catalog. */
async function seed(file: string): Promise<{ locked: number; xss: number; stuck: number }> {
  const db = openStore(file);
  let clock = Date.now() - 5 * 3_600_000;
  const flags = new FlagService(new SqliteFlagStore(db), { now: () => clock });
  const at = (minutesAgo: number) => { clock = Date.now() - minutesAgo * 60_000; };
  const make = async (o: Record<string, unknown>) => (await flags.create(flagInput(o))).id;
  at(300);
  const root = await make({ flag_type: 'breaking_change', impact_level: 'high', source_agent: '@database.postgres', target_agent: '@backend.api',
    change_description: 'The users table splits name into first_name and last_name; the old column is dropped in the next migration',
    related_files: ['migrations/0042_split_name.sql', 'src/db/users.ts'] });
  at(260);
  const child = await make({ chain_origin_id: root, impact_level: 'high', source_agent: '@backend.api', target_agent: '@frontend.react',
    change_description: 'GET /users now returns first_name and last_name instead of name (follows the users table split)' });
  at(250);
  await make({ chain_origin_id: child, impact_level: 'medium', source_agent: '@frontend.react', target_agent: '@qa.e2e',
    change_description: 'The profile page shows first and last name in two fields; the e2e selectors for the name changed' });
  at(200);
  const xss = await make({ flag_type: 'security', impact_level: 'critical', source_agent: '@acolyte.payment', target_agent: '@backend.api',
    change_description: XSS_DESC, related_files: ['javascript:alert(3)', 'src/payments/webhook.ts'], example_usage: '</pre><script>alert(4)</script>' });
  at(150);
  const locked = await make({ impact_level: 'medium', target_agent: '@frontend.react',
    change_description: 'The users endpoint now returns paginated results: data.items and data.next_cursor replace the bare array' });
  at(140);
  const stuck = await make({ impact_level: 'low', source_agent: '@backend.api', target_agent: '@docs.technical', flag_type: 'enhancement',
    change_description: 'The API reference should describe the new pagination parameters limit and cursor of every list endpoint' });
  await flags.lock(stuck, '@docs.technical', 600); // its lease runs out ten minutes later, never completed
  at(120);
  await make({ impact_level: 'medium', source_agent: '@backend.api', target_agent: '@ghost.worker', flag_type: 'information_request',
    change_description: 'Which queue does the nightly export read from now that the jobs moved to the new scheduler service?' });
  at(90);
  const bc = await make({ target_agent: null, impact_level: 'medium', source_agent: '@coordinator.ops', flag_type: 'deprecation',
    change_description: 'Node 18 is no longer supported: every service moves to Node 20 before the release branch is cut on Friday' });
  await flags.complete(bc, '@backend.api', 'Moved the API to Node 20');
  at(60);
  const done = await make({ impact_level: 'low', target_agent: '@frontend.react', change_description: 'The avatar endpoint accepts webp uploads now; the upload form may allow them' });
  at(20);
  await flags.lock(done, '@frontend.react', 600);
  at(10);
  await flags.complete(done, '@frontend.react', 'Allowed webp in the upload form');
  clock = Date.now();
  await flags.lock(locked, '@frontend.react', 1800);
  db.close();
  return { locked, xss, stuck };
}

describe('the board in chromium', () => {
  let chromium: any;
  let browser: Browser;
  let board: BoardProcess;
  let db: string;
  let dir: string;
  let ids: Awaited<ReturnType<typeof seed>>;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    ({ chromium } = await import(PLAYWRIGHT!));
    // Not tempDir(): that folder is removed after each test, and this store serves the whole file.
    dir = mkdtempSync(join(tmpdir(), 'coordinator-board-'));
    db = join(dir, 'board.db');
    ids = await seed(db);
    board = await startBoard(db);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A flag written to the store by another connection, as an agent's server would. */
  async function addFlag(change_description: string, target_agent = '@qa.e2e'): Promise<number> {
    const store = openStore(db);
    try {
      return (await new FlagService(new SqliteFlagStore(store)).create(flagInput({ change_description, target_agent }))).id;
    } finally {
      store.close();
    }
  }

  /** Hides or shows a tab as the browser does when another tab is chosen (headless pages are always visible). */
  const setHidden = (page: Page, hidden: boolean) => page.evaluate((h: boolean) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

  async function open(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme });
    const page = await context.newPage();
    page.on('dialog', async (d: any) => {
      dialogs.push(d.message());
      await (d.type() === 'confirm' ? d.accept() : d.dismiss());
    });
    page.on('pageerror', (e: Error) => pageErrors.push(e.message));
    await page.goto(board.url);
    return page;
  }

  it('shows the queues: one column per agent, the unknown agent marked; the token left the address bar', async () => {
    const page = await open();
    expect(new URL(page.url()).search).toBe('');
    const columns = await page.$$eval('section.queue', (s: HTMLElement[]) => s.map((x) => x.dataset.agent));
    expect(columns[0]).toBe('*');
    expect(columns).toEqual(expect.arrayContaining(['@backend.api', '@frontend.react', '@qa.e2e', '@docs.technical', '@ghost.worker']));
    expect(await page.textContent('section[data-agent="@ghost.worker"] h2')).toContain('not in catalog');
    expect(await page.textContent('section[data-agent="@backend.api"] h2')).not.toContain('not in catalog');
    expect(await page.textContent(`li[data-flag="${ids.locked}"]`)).toMatch(/locked by @frontend\.react, (29|30)m left/);
    expect(await page.textContent(`li[data-flag="${ids.stuck}"]`)).toContain('without completion');
    expect(await page.textContent('section[data-agent="*"]')).toContain('acknowledged by 1: @backend.api');
    await page.waitForFunction(() => document.getElementById('live')?.textContent?.startsWith('live'));
    await page.screenshot({ path: join(SHOTS, 'queues-light.png') });
    const dark = await open('dark');
    await dark.screenshot({ path: join(SHOTS, 'queues-dark.png') });
    expect(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    await dark.context().close();
    await page.context().close();
  });

  it('shows agents\' markup as text: no script ran, no image was made, javascript: is no link', async () => {
    const page = await open();
    const card = `li[data-flag="${ids.xss}"]`;
    expect(await page.textContent(card)).toContain('<script>window.__owned = 1; alert(1)</script>');
    await page.click(`${card} a`);
    await page.waitForURL(`**/flags/${ids.xss}`);
    expect(await page.textContent('dl.fields')).toContain('"><img src=x onerror="window.__owned=2;alert(2)">');
    expect(await page.textContent('ul.files')).toContain('javascript:alert(3)');
    expect(await page.textContent('dl.fields')).toContain('</pre><script>alert(4)</script>');
    expect(await page.evaluate(() => (window as any).__owned)).toBeUndefined();
    expect(await page.$$('main img, main script')).toHaveLength(0);
    expect(await page.$$eval('a[href]', (as: HTMLAnchorElement[]) => as.map((a) => a.getAttribute('href')).filter((h) => !h!.startsWith('/')))).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('shows a flag\'s timeline and chain; a force-unlock through the UI lands in the history as done by a person', async () => {
    const page = await open();
    // Keyboard: the flag's link is a real link, reached and followed with the keyboard.
    await page.focus(`li[data-flag="${ids.locked}"] a`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/flags/${ids.locked}`);
    expect(await page.$$eval('.timeline li', (l: HTMLElement[]) => l.map((x) => x.dataset.action))).toEqual(['created', 'locked']);
    await page.screenshot({ path: join(SHOTS, 'flag-light.png'), fullPage: true });
    await page.click('#action-unlock');
    await page.waitForSelector('.flash');
    expect(await page.textContent('.flash')).toContain(`Unlocked flag #${ids.locked} (was held by @frontend.react)`);
    // The one-time message left the address: a live refresh (here, after another flag is made) drops it.
    expect(new URL(page.url()).searchParams.has('done')).toBe(false);
    await page.waitForFunction(() => document.body.dataset.live === 'open');
    const before = await page.evaluate(() => document.body.dataset.updated ?? '');
    await addFlag('A flag made while the success message shows, so that the open page refreshes');
    await page.waitForFunction((b: string) => (document.body.dataset.updated ?? '') !== b, before, { timeout: 15_000 });
    expect(await page.$$('.flash')).toHaveLength(0);
    const last = await page.$eval('.timeline li:last-child', (l: HTMLElement) => [l.dataset.action, l.textContent]);
    expect(last[0]).toBe('force_unlocked');
    expect(last[1]).toContain('person:tester');
    await page.goto(board.url.replace(/\/\?token=.*/, '/flags/3'));
    expect(await page.$$eval('.chain li', (l: HTMLElement[]) => l.length)).toBe(3);
    expect(await page.textContent('.chain [aria-current]')).toContain('#3');
    await page.context().close();
  });

  it('shows a flag created through the MCP server on the open page, without a reload', async () => {
    const page = await open();
    let navigations = 0;
    page.on('framenavigated', () => { navigations++; });
    await page.waitForFunction(() => document.getElementById('live')?.textContent?.startsWith('live'));
    const server = await spawnServer(['--db', db]);
    try {
      const result: any = await server.client.callTool({ name: 'create_flag', arguments: {
        flag_type: 'new_feature', source_agent: '@backend.api', target_agent: '@qa.e2e', impact_level: 'high',
        change_description: 'A new endpoint POST /users/bulk imports up to 1000 users at once from a CSV upload', action_required: ACTION,
      } });
      expect(result.isError).toBeFalsy();
      const id = result.structuredContent.flag_id as number;
      expect(id).toBeGreaterThan(9);
      // Without a reload (navigations stay 0); how fast is measured by the bench (section 11), not asserted here.
      await page.waitForSelector(`li[data-flag="${id}"]`, { timeout: 15_000 });
      expect(navigations).toBe(0);
      expect(await page.textContent(`li[data-flag="${id}"]`)).toContain('POST /users/bulk');
    } finally {
      await server.close();
    }
    await page.context().close();
  });

  it('shows the activity plot, the medians and the searches bookmarkable in the URL', async () => {
    const page = await open();
    await page.click('nav a[href="/activity"]');
    await page.waitForURL('**/activity');
    expect(await page.$$('svg.plot rect.created')).not.toHaveLength(0);
    expect(await page.textContent('main')).toContain('@frontend.react');
    await page.screenshot({ path: join(SHOTS, 'activity-light.png'), fullPage: true });
    await page.click('nav a[href="/search"]');
    await page.fill('#f-agent', '@frontend.react');
    await page.selectOption('#f-status', 'pending');
    await page.press('#f-q', 'Enter');
    await page.waitForURL(/\/search\?agent=%40frontend\.react/);
    expect(page.url()).toContain('status=pending');
    const rows = await page.$$('tbody tr');
    expect(rows.length).toBeGreaterThan(0);
    await page.reload();
    expect(await page.inputValue('#f-agent')).toBe('@frontend.react');
    await page.context().close();
  });

  it('8 tabs load (Chromium allows 6 connections a host): a hidden tab closes its event stream, and reopens it and catches up when shown', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const home = board.url.replace(/\?token=.*/, '');
    const pages: Page[] = [];
    for (let i = 0; i < 8; i++) {
      const page = await context.newPage();
      page.on('pageerror', (e: Error) => pageErrors.push(e.message));
      // Without the fix the 7th tab's page load waits for a connection that six open streams hold.
      await page.goto(i === 0 ? board.url : home, { timeout: 10_000 });
      await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live', null, { timeout: 10_000 });
      pages.push(page);
      if (i < 7) await setHidden(page, true);
    }
    expect(await pages[0].textContent('#live')).toBe('paused while hidden');
    const id = await addFlag('A flag made while the first tab is hidden: it must show once the tab is shown again');
    await pages[7].waitForSelector(`li[data-flag="${id}"]`, { timeout: 15_000 }); // the visible tab is live
    expect(await pages[0].$$(`li[data-flag="${id}"]`)).toHaveLength(0);
    await setHidden(pages[0], false);
    await pages[0].waitForSelector(`li[data-flag="${id}"]`, { timeout: 15_000 }); // reopened, refreshed once
    expect(await pages[0].evaluate(() => document.body.dataset.live)).toBe('open');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  // Last in this group: it restarts the board (on the same port, so that the open page's stream reaches it).
  it('after the board restarts, an open page says its session ended and to open the token URL again, not "reconnecting…" for ever', async () => {
    const page = await open();
    await page.waitForFunction(() => document.body.dataset.live === 'open');
    const port = board.port;
    await board.stop();
    await page.waitForFunction(() => document.body.dataset.live === 'reconnecting', null, { timeout: 10_000 });
    board = await startBoard(db, ['--port', String(port)]);
    await page.waitForSelector('#live-ended', { timeout: 20_000 });
    expect(await page.textContent('#live-ended')).toContain('open the token URL that coordinator ui printed again');
    expect(await page.getAttribute('#live-ended', 'role')).toBe('alert');
    expect(await page.textContent('#live')).toBe('not live');
    await page.context().close();
  });
});

describe('the board on PostgreSQL', () => {
  it('serves the queues of the shared store and tells an open page of a flag another server created (NOTIFY)', async () => {
    const base = process.env.COORDINATOR_TEST_PG;
    if (!base) throw new Error('COORDINATOR_TEST_PG is not set: run these tests with npm run test:system (it starts a throwaway PostgreSQL)');
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const name = `board_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(base);
    u.pathname = `/${name}`;
    const url = u.toString();
    const writer = await spawnServer(['--db', url, '--no-bundled-agents']);
    let board: BoardProcess | undefined;
    try {
      const first: any = await writer.client.callTool({ name: 'create_flag', arguments: flagInput({ impact_level: 'high' }) });
      expect(first.isError).toBeFalsy();
      board = await startBoard(url);
      const s = new BoardSession(board.port);
      await s.login(board.token);
      const page = await s.get('/');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`data-flag="${first.structuredContent.flag_id}"`);
      const events = s.events();
      expect(await events.opened).toBe(200);
      await new Promise((r) => setTimeout(r, 300)); // LISTEN in place
      const started = Date.now();
      await writer.client.callTool({ name: 'create_flag', arguments: flagInput({ target_agent: '@qa.e2e' }) });
      while (!events.names.includes('change') && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
      events.close();
      expect(events.names).toContain('change');
      const csrf = BoardSession.csrf((await s.get(`/flags/${first.structuredContent.flag_id}`)).text);
      expect((await s.post(`/flags/${first.structuredContent.flag_id}/withdraw`, { csrf })).status).toBe(303);
      const gone = new pg.Client({ connectionString: url });
      await gone.connect();
      expect((await gone.query(`SELECT action, agent FROM flag_history WHERE flag_id = ${first.structuredContent.flag_id} ORDER BY id`)).rows)
        .toEqual([{ action: 'created', agent: '@backend.api' }, { action: 'deleted', agent: 'person:tester' }]);
      await gone.end();
    } finally {
      await board?.stop();
      await writer.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  });
});
