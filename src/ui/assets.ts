// The board's style sheet and script, served as files (/static/...) so that the Content-Security-
// Policy can forbid every inline script and style.

export const BOARD_CSS = `
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1b1b1f; --muted: #5b5b66; --card: #ffffff; --line: #d9d9de;
  --accent: #1f5fbf; --critical: #b3261e; --high: #b35c00; --medium: #7a6a00; --low: #3f6b3f; --focus: #1f5fbf; --warn-bg: #fff1cc; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16161a; --fg: #e8e8ec; --muted: #a3a3ad; --card: #212127; --line: #3a3a44; --accent: #8ab4ff;
    --critical: #ff8a80; --high: #ffb74d; --medium: #e6d65c; --low: #8fd18f; --focus: #8ab4ff; --warn-bg: #3d3312; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header nav a { margin-right: 1rem; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
#live { margin-left: auto; color: var(--muted); font-size: .85rem; }
main { padding: 1rem; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.queues { display: flex; gap: .8rem; overflow-x: auto; align-items: flex-start; padding-bottom: .5rem; }
.queue { flex: 0 0 19rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem; }
.queue ol, .timeline, .plain { list-style: none; margin: 0; padding: 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: .4rem .5rem; margin-bottom: .45rem; }
.card p { margin: .2rem 0; overflow-wrap: anywhere; }
.impact-critical { border-left-color: var(--critical); } .impact-high { border-left-color: var(--high); }
.impact-medium { border-left-color: var(--medium); } .impact-low { border-left-color: var(--low); }
.level { font-weight: 700; font-size: .8rem; text-transform: uppercase; }
.level.critical { color: var(--critical); } .level.high { color: var(--high); } .level.medium { color: var(--medium); } .level.low { color: var(--low); }
.meta { color: var(--muted); font-size: .85rem; }
.badge { display: inline-block; font-size: .75rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 .45rem; margin-left: .3rem; }
.badge.warn, .warn { background: var(--warn-bg); }
.flash { border: 1px solid var(--line); background: var(--warn-bg); padding: .5rem .8rem; border-radius: 6px; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.fields dt { color: var(--muted); } dl.fields dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--card); border: 1px solid var(--line); padding: .4rem; border-radius: 4px; margin: .2rem 0; }
.timeline li { border-left: 3px solid var(--line); padding: 0 0 .6rem .8rem; position: relative; }
.timeline li.person { border-left-color: var(--accent); }
.chain ul { margin: 0; padding-left: 1.2rem; } .chain [aria-current] { font-weight: 700; }
.actions { display: flex; gap: .6rem; flex-wrap: wrap; margin: .8rem 0; }
.actions form { display: inline; }
button, input, select { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 5px; padding: .25rem .6rem; }
button { cursor: pointer; border-color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.text { overflow-wrap: anywhere; max-width: 40rem; }
.two { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.5rem; }
@media (max-width: 900px) { .two { grid-template-columns: 1fr; } }
svg.plot { width: 100%; max-width: 60rem; height: auto; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
svg .created { fill: var(--accent); } svg .completed { fill: none; stroke: var(--low); stroke-width: 2; }
svg .axis { stroke: var(--line); } svg text { fill: var(--muted); font-size: 11px; }
.legend-created { color: var(--accent); } .legend-completed { color: var(--low); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

/**
 * Live updates: the server sends "change" on /events when any server wrote to the store; the page
 * then fetches itself again and swaps its <main> (no reload: focus and scrolling stay).
 *
 * - Each open stream holds a connection, and browsers allow 6 a host over HTTP/1.1: a hidden tab
 *   closes its stream (a 7th tab would never load otherwise) and reopens it when shown again.
 * - Changes made while the stream was down are never sent: every open after the first (a shown
 *   tab, a reconnect) refreshes the page once.
 * - A stream the browser gave up on (the server refused it: a 401 after a restart ended the
 *   session) is said so, plainly, instead of "reconnecting…" for ever.
 * - ?done=... is the one-time message after an action: it is dropped from the address at once, so
 *   that neither a live refresh nor a reload shows it again.
 */
export const BOARD_JS = `
(() => {
  // The board may be mounted under a path (/board on the HTTP transport): its root is where this script's folder is.
  const root = new URL('..', document.currentScript ? document.currentScript.src : location.href);
  const live = document.getElementById('live');
  const say = (text) => { if (live) live.textContent = text; };
  const here = new URL(location.href);
  if (here.searchParams.has('done')) {
    here.searchParams.delete('done');
    history.replaceState(history.state, '', here.href);
  }
  let timer = null;
  let busy = false;
  async function refresh() {
    if (busy) { timer = setTimeout(refresh, 300); return; }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: 'same-origin', headers: { 'X-Board-Refresh': '1' } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('main');
      const main = document.getElementById('main');
      if (!fresh || !main) return;
      const focused = document.activeElement && document.activeElement.id;
      main.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      if (focused) { const again = document.getElementById(focused); if (again) again.focus(); }
      document.body.dataset.updated = String(Date.now());
      say('live, updated ' + new Date().toLocaleTimeString());
    } catch (err) {
      say('live (update failed)');
    } finally {
      busy = false;
    }
  }
  const schedule = (ms) => { clearTimeout(timer); timer = setTimeout(refresh, ms); };
  function ended(text) {
    say('not live');
    document.body.dataset.live = 'ended';
    const main = document.getElementById('main');
    if (!main || document.getElementById('live-ended')) return;
    const p = document.createElement('p');
    p.id = 'live-ended';
    p.className = 'flash';
    p.setAttribute('role', 'alert');
    p.textContent = text;
    main.prepend(p);
  }
  let events = null;
  let opens = document.hidden ? 1 : 0; // a page loaded hidden refreshes when first shown
  let over = false;
  function connect() {
    if (!window.EventSource || events || over) return;
    const stream = new EventSource(new URL('events', root));
    events = stream;
    stream.addEventListener('open', () => {
      opens += 1;
      document.body.dataset.live = 'open';
      say('live');
      if (opens > 1) schedule(0);
    });
    stream.addEventListener('change', () => schedule(150));
    stream.addEventListener('error', async () => {
      if (stream.readyState !== EventSource.CLOSED) { document.body.dataset.live = 'reconnecting'; say('reconnecting…'); return; }
      // The browser will not try again: ask the page itself why.
      stream.close();
      if (events === stream) events = null;
      over = true;
      let status = 0;
      try { status = (await fetch(location.href, { credentials: 'same-origin', headers: { 'X-Board-Refresh': '1' } })).status; } catch (err) { status = 0; }
      ended(status === 401 || status === 403
        ? 'Your board session has ended (the server restarted or the session expired): open the token URL that coordinator ui printed again.'
        : 'Live updates stopped' + (status ? ' (the server answered ' + status + ')' : ' (the server cannot be reached)') + ': reload the page to try again.');
    });
  }
  function disconnect() {
    if (events) { events.close(); events = null; }
    document.body.dataset.live = 'paused';
    say('paused while hidden');
  }
  document.addEventListener('visibilitychange', () => { if (document.hidden) disconnect(); else connect(); });
  if (!document.hidden) connect(); else say('paused while hidden');
  document.addEventListener('submit', (e) => {
    const form = e.target;
    const question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) e.preventDefault();
  });
})();
`;
