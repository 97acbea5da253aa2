import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BoardService } from '../../src/board/service.js';
import { FlagService } from '../../src/flags/service.js';
import { type DB, openStore } from '../../src/store/db.js';
import { SqliteBoardStore } from '../../src/store/sqlite/board.js';
import { SqliteFlagStore } from '../../src/store/sqlite/flags.js';
import { escapeHtml, html } from '../../src/ui/html.js';
import { activityPage, activityPlot, duration, flagPage, queuesPage, searchPage } from '../../src/ui/pages.js';
import { flagInput, tempDir } from '../helpers/tmp.js';

const SCRIPT = '<script>alert("owned")</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS_LINK = 'javascript:alert(document.cookie)';
const CTX = { csrf: 'form-token' };

/** Every tag name in the page: none of the agents' markup may show up as a tag. */
const tags = (page: string) => [...page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
/** Every attribute value that the browser would follow as a URL. */
const urls = (page: string) => [...page.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!);

describe('the html template', () => {
  it('escapes every value and keeps only its own markup', () => {
    expect(escapeHtml(`<a href='x'>&"`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
    expect(html`<p title="${IMG}">${SCRIPT}${[1, '<b>']}${null}${html`<i>ok</i>`}</p>`.value)
      .toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;1&lt;b&gt;<i>ok</i></p>');
  });

  it('formats durations', () => {
    expect([duration(45), duration(720), duration(3 * 3600 + 300), duration(2 * 86_400 + 4 * 3600)]).toEqual(['45s', '12m', '3h 5m', '2d 4h']);
  });
});

describe('board pages with hostile flag texts', () => {
  let db: DB;
  let flags: FlagService;
  let board: BoardService;
  let evil: number;
  const huge = `${'A'.repeat(9_000)}<b>end</b>`;

  beforeEach(async () => {
    db = openStore(join(tempDir(), 'c.db'));
    const store = new SqliteFlagStore(db);
    flags = new FlagService(store);
    board = new BoardService(new SqliteBoardStore(db, store), flags, (h) => h !== '@ghost.agent');
    const origin = await flags.create(flagInput({ change_description: `Origin ${SCRIPT} of the chain, long enough to pass the rules of a flag` }));
    evil = (await flags.create(flagInput({
      target_agent: '@ghost.agent',
      change_description: `${SCRIPT} ${IMG} and the users endpoint now returns paginated results`,
      action_required: huge,
      related_files: [JS_LINK, `src/${IMG}.ts`],
      code_location: `${IMG}:12`,
      example_usage: `</pre>${SCRIPT}`,
      context: { ticket: SCRIPT, link: JS_LINK },
      chain_origin_id: origin.id,
    }))).id;
    await flags.create(flagInput({ target_agent: null, change_description: `Broadcast ${IMG}: every agent must read the new paginated results` }));
    await flags.lock(evil, '@ghost.agent', 60);
    return () => db.close();
  });

  function expectInert(page: string) {
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/onerror=alert\(1\)>/);
    expect(page).not.toContain('<b>end');
    expect(new Set(tags(page))).not.toContain('img');
    expect(tags(page).filter((t) => t === 'script')).toEqual(['script']); // only the board's own, with src
    expect(page).toContain('<script src="/static/board.js" defer></script>');
    for (const url of urls(page)) expect(url).toMatch(/^\/(?!\/)/); // only the board's own paths
  }

  it('the queues show the texts as text, clipped, and mark an agent not in the catalog', async () => {
    const page = queuesPage(await board.queues(), CTX);
    expectInert(page);
    expect(page).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toMatch(/<span class="agent">@ghost\.agent<\/span><span class="badge warn"[^>]*>not in catalog<\/span>/);
    expect(page).toContain('locked by <span class="agent">@ghost.agent</span>, 1m left');
    expect(page).toContain('acknowledged by 0; not yet 2: @frontend.react, @ghost.agent');
  });

  it('the flag page shows every field as text, related files as text, and forms with the session token', async () => {
    const page = flagPage(await board.flag(evil), CTX);
    expectInert(page);
    expect(page).toContain(`<li><code>${escapeHtml(JS_LINK)}</code></li>`);
    expect(page).not.toContain(`href="${JS_LINK}`);
    expect(page).toContain(`${'A'.repeat(9_000)}&lt;b&gt;end&lt;/b&gt;`); // the whole text, as text
    expect(page).toContain('&lt;/pre&gt;&lt;script&gt;');
    expect(page).toContain('&quot;ticket&quot;: &quot;&lt;script&gt;');
    expect(page.match(/name="csrf" value="form-token"/g)).toHaveLength(2); // force unlock, withdraw
    expect(page).toContain('action="/flags/2/unlock"');
    expect(page).toMatch(/<li aria-current="true"><a href="\/flags\/2">#2<\/a>/); // the chain, this flag marked
    expect(page).toContain('data-action="locked"');
  });

  it('the search page keeps hostile filters as text in its form and links', async () => {
    const params = { q: IMG, agent: undefined };
    const page = searchPage(params, await board.search(params), CTX);
    expectInert(page);
    expect(page).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    const refused = searchPage({ agent: SCRIPT }, { error: `agent ${SCRIPT} is not an agent handle` }, CTX);
    expectInert(refused);
    expect(refused).toContain('role="alert"');
  });

  it('the search page says how many flags match, and "10,000+" past the count cap', async () => {
    const result = await board.search({});
    expect(searchPage({}, { ...result, total: 3, total_capped: false }, CTX)).toContain('<p class="meta">3 matching flag(s), newest first</p>');
    expect(searchPage({}, { ...result, total: 10_000, total_capped: true }, CTX)).toContain('<p class="meta">10,000+ matching flag(s), newest first</p>');
  });

  it('the activity page plots every hour and lists medians', async () => {
    await flags.complete(evil, '@ghost.agent');
    const data = await board.activity(2);
    const page = activityPage(data, CTX);
    expectInert(page);
    expect(page.match(/<rect class="created"/g)).toHaveLength(1); // all three created in the same hour
    expect(page).toContain('3 created, 1 completed');
    expect(page).toContain('<span class="badge warn" title="no agent of this name in the catalog">not in catalog</span>');
    expect(activityPlot(data.hours).value.match(/polyline class="completed" points="([^"]*)"/)![1]!.split(' ')).toHaveLength(48);
  });
});
