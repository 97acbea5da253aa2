import type { BoardFlag, BoardService, Median, Queue } from '../board/service.js';
import { FLAG_TYPES, IMPACT_LEVELS } from '../flags/rules.js';
import type { HistoryEntry } from '../flags/service.js';
import { clip, Html, html, query } from './html.js';

type FlagPage = Awaited<ReturnType<BoardService['flag']>>;
type SearchPage = Awaited<ReturnType<BoardService['search']>>;
type ActivityPage = Awaited<ReturnType<BoardService['activity']>>;

/** What every page needs from the request: the session's form token and the page's own path. */
export interface PageContext {
  csrf: string;
  /** A message to show above the page (an action's result or refusal). */
  flash?: { kind: 'ok' | 'error'; text: string };
}

const CARD_TEXT = 180;

/** "45s", "12m", "3h 5m", "2d 4h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

const NAV = [['/', 'Queues'], ['/search', 'Search'], ['/activity', 'Activity']] as const;

export function layout(title: string, active: string, body: Html, ctx?: PageContext): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${title} - coordinator board</title>
<link rel="stylesheet" href="/static/board.css"><script src="/static/board.js" defer></script></head>
<body><header><strong>coordinator board</strong><nav aria-label="Board">${NAV.map(([href, name]) =>
    html`<a href="${href}"${active === href ? new Html(' aria-current="page"') : ''}>${name}</a>`)}</nav>
<span id="live" role="status" aria-live="polite">connecting…</span></header>
<main id="main">${ctx?.flash ? html`<p class="flash" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</p>` : ''}${body}</main>
</body></html>`}`;
}

const level = (impact: string) => html`<span class="level ${impact}">${impact}</span>`;
const agentName = (handle: string | null, known: boolean | null) => handle === null
  ? html`<span class="agent">every agent (broadcast)</span>`
  : html`<span class="agent">${handle}</span>${known === false ? html`<span class="badge warn" title="no agent of this name in the catalog">not in catalog</span>` : ''}`;

function lockLine(f: BoardFlag): Html | string {
  if (f.lock) return html`<p class="meta lock">locked by <span class="agent">${f.lock.holder}</span>, ${duration(f.lock_left_seconds ?? 0)} left</p>`;
  if (f.lock_expired) {
    return html`<p class="meta lock warn">lease of <span class="agent">${f.lock_expired.holder}</span> expired at <time datetime="${f.lock_expired.expired_at}">${f.lock_expired.expired_at}</time> without completion</p>`;
  }
  return '';
}

function card(f: Queue['flags'][number]): Html {
  return html`<li class="card impact-${f.impact_level}" data-flag="${f.id}">
<a href="/flags/${f.id}">#${f.id} ${f.flag_type}</a> ${level(f.impact_level)} <span class="meta">${duration(f.age_seconds)} old</span>
<p class="meta">from ${agentName(f.source_agent, f.source_known)}</p>
<p class="text">${clip(f.change_description, CARD_TEXT)}</p>
${lockLine(f)}
${f.acknowledged_by ? html`<p class="meta acks">acknowledged by ${f.acknowledged_by.length}${f.acknowledged_by.length ? html`: ${f.acknowledged_by.join(', ')}` : ''}${f.not_acknowledged?.length ? html`; not yet ${f.not_acknowledged.length}: ${f.not_acknowledged.slice(0, 6).join(', ')}${f.not_acknowledged.length > 6 ? ', …' : ''}` : ''}</p>` : ''}
</li>`;
}

export function queuesPage(data: Awaited<ReturnType<BoardService['queues']>>, ctx?: PageContext): string {
  const body = html`<h1>Queues <span class="meta">${data.total_pending} pending</span></h1>
${data.queues.length === 0 ? html`<p>No pending flags.</p>` : ''}
<div class="queues">${data.queues.map((q, i) => html`<section class="queue" aria-labelledby="q${i}" data-agent="${q.agent ?? '*'}">
<h2 id="q${i}">${agentName(q.agent, q.known)}</h2>
<p class="meta">${q.pending} pending${q.held ? html`, ${q.held} held` : ''}${q.expired ? html`, <span class="warn">${q.expired} lease(s) expired</span>` : ''}${q.top_impact ? html`, top ${level(q.top_impact)}` : ''}
${q.agent !== null ? html` · <a href="/search${query({ agent: q.agent, status: 'pending' })}">all</a>` : html` · <a href="/search${query({ status: 'pending' })}">search</a>`}</p>
<ol>${q.flags.map(card)}</ol>${q.pending > q.flags.length ? html`<p class="meta">and ${q.pending - q.flags.length} more</p>` : ''}
</section>`)}</div>
${data.more_queues > 0 ? html`<p class="meta">${data.more_queues} more agents have pending flags: use <a href="/search">search</a>.</p>` : ''}`;
  return layout('Queues', '/', body, ctx);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function timeline(history: HistoryEntry[]): Html {
  return html`<ol class="timeline">${history.map((h) => html`<li class="${h.agent.startsWith('person:') ? 'person' : ''}" data-action="${h.action}">
<time datetime="${h.at}">${h.at}</time> <strong>${h.action.replaceAll('_', ' ')}</strong> by <span class="agent">${h.agent}</span>${h.agent.startsWith('person:') ? html` <span class="badge">person</span>` : ''}
${h.details ? html`<details><summary>details</summary><pre>${json(h.action === 'deleted' ? { ...h.details, flag: '(the copy shown above)' } : h.details)}</pre></details>` : ''}</li>`)}</ol>`;
}

/** The chain as nested lists: each flag under the one that caused it; the shown flag marked. */
function chainTree(page: FlagPage): Html | string {
  if (page.chain.length <= 1) return html`<p class="meta">Not part of a chain.</p>`;
  const children = new Map<number | null, typeof page.chain>();
  for (const link of page.chain) {
    const parent = link.depth === 0 ? null : link.chain_origin_id;
    children.set(parent, [...(children.get(parent) ?? []), link]);
  }
  const branch = (parent: number | null): Html | string => {
    const links = children.get(parent);
    if (!links) return '';
    return html`<ul>${links.map((l) => html`<li${l.id === page.flag.id ? new Html(' aria-current="true"') : ''}><a href="/flags/${l.id}">#${l.id}</a> ${l.flag_type} ${level(l.impact_level)} ${l.status}, <span class="agent">${l.source_agent}</span> → <span class="agent">${l.target_agent ?? 'everyone'}</span>: ${clip(l.change_description, 100)}${branch(l.id)}</li>`)}</ul>`;
  };
  return html`<nav class="chain" aria-label="Chain">${branch(null)}</nav>`;
}

function actions(page: FlagPage, ctx: PageContext): Html | string {
  const f = page.flag;
  if (page.deleted || f.status !== 'pending') return '';
  const form = (action: string, label: string, confirm?: string) => html`<form method="post" action="/flags/${f.id}/${action}"${confirm ? html` data-confirm="${confirm}"` : ''}>
<input type="hidden" name="csrf" value="${ctx.csrf}"><button type="submit" id="action-${action}">${label}</button></form>`;
  return html`<div class="actions" role="group" aria-label="Actions (recorded as done by you)">
${f.lock || f.lock_expired ? form('unlock', 'Force unlock') : ''}
${f.target_agent === null ? form('close', 'Close broadcast for everyone', `Close broadcast #${f.id} for every agent?`) : ''}
${form('withdraw', 'Withdraw flag', `Withdraw flag #${f.id}? It is deleted; its history stays.`)}
</div>`;
}

export function flagPage(page: FlagPage, ctx: PageContext): string {
  const f = page.flag;
  const field = (name: string, value: Html | string | null | undefined) => html`<dt>${name}</dt><dd>${value === null || value === undefined || value === '' ? html`<span class="meta">none</span>` : value}</dd>`;
  const body = html`<h1>Flag #${f.id} ${f.flag_type} ${level(f.impact_level)} <span class="badge">${page.deleted ? 'withdrawn' : f.status}</span></h1>
${page.deleted ? html`<p class="flash">Withdrawn by <span class="agent">${page.deleted.agent}</span> at ${page.deleted.at}; the copy below is the flag as it was.</p>` : ''}
${actions(page, ctx)}
<div class="two"><section aria-labelledby="fields"><h2 id="fields">Fields</h2><dl class="fields">
${field('from', agentName(f.source_agent, f.source_known))}
${field('to', agentName(f.target_agent, f.target_known))}
${field('change', f.change_description)}
${field('action required', f.action_required)}
${field('created', html`<time datetime="${f.created_at}">${f.created_at}</time> (${duration(f.age_seconds)} ago)`)}
${field('updated', f.updated_at)}
${field('lock', lockLine(f) || null)}
${field('completed', f.completed_at ? html`${f.completed_at} by <span class="agent">${f.completed_by}</span>` : null)}
${field('notes', f.notes)}
${field('code location', f.code_location)}
${field('example usage', f.example_usage ? html`<pre>${f.example_usage}</pre>` : null)}
${field('context', f.context ? html`<pre>${json(f.context)}</pre>` : null)}
${field('related files', f.related_files.length ? html`<ul class="plain files">${f.related_files.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : null)}
${page.acknowledged_by ? field('acknowledged by', page.acknowledged_by.length ? html`<ul class="plain">${page.acknowledged_by.map((a) => html`<li><span class="agent">${a.agent}</span> at ${a.at}${a.notes ? html`: ${a.notes}` : ''}</li>`)}</ul>` : null) : ''}
</dl></section>
<section aria-labelledby="chain-h"><h2 id="chain-h">Chain</h2>${chainTree(page)}
<h2 id="history-h">History</h2>${timeline(page.history)}</section></div>`;
  return layout(`Flag #${f.id}`, '', body, ctx);
}

function select(name: string, label: string, options: readonly string[], value: string | undefined, any = 'any'): Html {
  return html`<label>${label}<select name="${name}" id="f-${name}"><option value="">${any}</option>${options.map((o) => html`<option${o === value ? new Html(' selected') : ''}>${o}</option>`)}</select></label>`;
}

export function searchPage(params: Record<string, string | undefined>, result: SearchPage | { error: string }, ctx?: PageContext): string {
  const body = html`<h1>Search</h1>
<form class="filters" method="get" action="/search" role="search">
<label>agent (to or from)<input name="agent" id="f-agent" value="${params.agent ?? ''}" placeholder="@backend.api"></label>
${select('type', 'type', FLAG_TYPES, params.type)}${select('impact', 'impact', IMPACT_LEVELS, params.impact)}${select('status', 'status', ['pending', 'completed'], params.status, 'all')}
<label>text<input name="q" id="f-q" value="${params.q ?? ''}" maxlength="200"></label><button type="submit">Search</button></form>
${'error' in result ? html`<p class="flash" role="alert">${result.error}</p>` : html`<p class="meta">${result.total_capped ? `${result.total.toLocaleString('en-US')}+` : result.total} matching flag(s), newest first</p>
<table><thead><tr><th>flag</th><th>impact</th><th>status</th><th>from → to</th><th>change</th><th>created</th></tr></thead><tbody>
${result.flags.map((f) => html`<tr><td><a href="/flags/${f.id}">#${f.id}</a> ${f.flag_type}</td><td>${level(f.impact_level)}</td><td>${f.status}${f.lock ? ' (locked)' : ''}</td>
<td>${agentName(f.source_agent, f.source_known)} → ${agentName(f.target_agent, f.target_known)}</td><td class="text">${clip(f.change_description, 200)}</td><td><time datetime="${f.created_at}">${f.created_at}</time></td></tr>`)}
</tbody></table>
${result.next ? html`<p><a rel="next" href="/search${query({ ...params, after: result.next })}">Older flags →</a></p>` : ''}
${params.after ? html`<p><a href="/search${query({ ...params, after: undefined })}">← Newest</a></p>` : ''}`}`;
  return layout('Search', '/search', body, ctx);
}

/** Created per hour as bars, completed as a line, over the window; labelled for screen readers too. */
export function activityPlot(hours: ActivityPage['hours']): Html {
  const w = 720;
  const h = 200;
  const pad = { l: 36, r: 8, t: 10, b: 24 };
  const max = Math.max(1, ...hours.map((x) => Math.max(x.created, x.completed)));
  const step = (w - pad.l - pad.r) / Math.max(1, hours.length);
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const bars = hours.map((x, i) => x.created ? html`<rect class="created" x="${(pad.l + i * step).toFixed(1)}" y="${y(x.created).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}" height="${(h - pad.b - y(x.created)).toFixed(1)}"><title>${x.hour}:00 UTC: ${x.created} created</title></rect>` : '');
  const line = hours.map((x, i) => `${(pad.l + i * step + step / 2).toFixed(1)},${y(x.completed).toFixed(1)}`).join(' ');
  const days = hours.map((x, i) => (x.hour.endsWith('T00') ? html`<text x="${(pad.l + i * step).toFixed(1)}" y="${h - 6}">${x.hour.slice(5, 10)}</text><line class="axis" x1="${(pad.l + i * step).toFixed(1)}" x2="${(pad.l + i * step).toFixed(1)}" y1="${pad.t}" y2="${h - pad.b}"></line>` : ''));
  const totalCreated = hours.reduce((n, x) => n + x.created, 0);
  const totalCompleted = hours.reduce((n, x) => n + x.completed, 0);
  return html`<svg class="plot" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="plot-title"><title id="plot-title">Flags per hour: ${totalCreated} created, ${totalCompleted} completed, peak ${max} in an hour</title>
<line class="axis" x1="${pad.l}" x2="${w - pad.r}" y1="${h - pad.b}" y2="${h - pad.b}"></line><text x="4" y="${pad.t + 10}">${max}</text><text x="4" y="${h - pad.b}">0</text>
${days}${bars}<polyline class="completed" points="${line}"></polyline></svg>`;
}

function medianRow(m: Median): Html {
  const fmt = (v: number | null) => (v === null ? '–' : duration(v));
  return html`<tr><td>${agentName(m.agent, m.known)}</td><td>${fmt(m.median_to_lock_seconds)} <span class="meta">(${m.locks})</span></td><td>${fmt(m.median_to_complete_seconds)} <span class="meta">(${m.completions})</span></td></tr>`;
}

export function activityPage(data: ActivityPage, ctx?: PageContext): string {
  const body = html`<h1>Activity <span class="meta">last ${data.days} day(s), since ${data.since}</span></h1>
<form class="filters" method="get" action="/activity"><label>days<input name="days" id="f-days" type="number" min="1" max="30" value="${data.days}"></label><button type="submit">Show</button></form>
<p><span class="legend-created">■ created</span> · <span class="legend-completed">━ completed</span> per hour (UTC)</p>
${activityPlot(data.hours)}
<div class="two"><section aria-labelledby="med"><h2 id="med">Median time from creation, per agent</h2>
<table><thead><tr><th>agent</th><th>to its first lock (count)</th><th>to completion (count)</th></tr></thead><tbody>${data.medians.map(medianRow)}</tbody></table>
<p class="meta">${data.timed_flags} directed flags created in the window${data.timings_truncated ? ' (the newest only)' : ''}.</p></section>
<section aria-labelledby="exp"><h2 id="exp">Leases that expired without completion</h2>
${data.expired_locks.length === 0 ? html`<p class="meta">None.</p>` : html`<ul class="plain">${data.expired_locks.map((f) => html`<li><a href="/flags/${f.id}">#${f.id}</a> held by <span class="agent">${f.lock_expired?.holder}</span>, expired ${f.lock_expired?.expired_at}</li>`)}</ul>`}
<h2>Leases taken over or broken</h2>
${data.lock_events.length === 0 ? html`<p class="meta">None.</p>` : html`<ul class="plain">${data.lock_events.map((e) => html`<li><a href="/flags/${e.flag_id}">#${e.flag_id}</a> ${e.action.replaceAll('_', ' ')} by <span class="agent">${e.agent}</span> at ${e.at}</li>`)}</ul>`}
</section></div>`;
  return layout('Activity', '/activity', body, ctx);
}

export function errorPage(status: number, message: string): string {
  return layout(status === 404 ? 'Not found' : 'Error', '', html`<h1>${status === 404 ? 'Not found' : 'Cannot show this'}</h1><p class="flash" role="alert">${message}</p><p><a href="/">Back to the queues</a></p>`);
}
