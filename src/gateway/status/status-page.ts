/**
 * The live status page: one self-contained HTML document (inline CSS and JS, no external asset, no build
 * step) that follows `status/events` (SSE) and falls back to polling `status.json` each second. Light or
 * dark after the reader's system setting. Everything it writes into the page goes through textContent,
 * so a route or model name can never inject markup.
 */

/** The status pages' one stylesheet, shared by the request log and spend pages (ledger-pages.ts). */
export const STYLE = `
:root { color-scheme: light dark; --bg:#f6f7f9; --panel:#fff; --text:#1b1f24; --muted:#5f6b7a; --line:#e3e6ea;
  --ok:#1a7f37; --warn:#b35900; --bad:#c62828; --accent:#3b5bdb; --bar:#9db0f5; }
@media (prefers-color-scheme: dark) { :root { --bg:#0f1217; --panel:#171b22; --text:#e6e9ee; --muted:#9aa4b2;
  --line:#262c36; --ok:#3fb950; --warn:#e3a008; --bad:#f85149; --accent:#8ea6ff; --bar:#4a5fae; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--text); }
main { max-width:1100px; margin:0 auto; padding:24px 20px 40px; }
header { display:flex; align-items:baseline; gap:12px; flex-wrap:wrap; margin-bottom:18px; }
h1 { font-size:20px; margin:0; font-weight:650; }
h2 { font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:26px 0 8px; font-weight:600; }
.live { font-size:12px; color:var(--muted); display:inline-flex; align-items:center; gap:6px; }
.live::before { content:""; width:8px; height:8px; border-radius:50%; background:var(--muted); }
.live.on::before { background:var(--ok); box-shadow:0 0 0 3px color-mix(in srgb, var(--ok) 25%, transparent); }
.meta { color:var(--muted); font-size:12px; margin-left:auto; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:10px; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.card .label { color:var(--muted); font-size:12px; }
.card .value { font-size:22px; font-weight:650; font-variant-numeric:tabular-nums; margin-top:2px; }
.spark { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:10px 14px 6px; margin-top:10px; }
.spark svg { width:100%; height:48px; display:block; }
.spark rect { fill:var(--bar); }
.spark .label { color:var(--muted); font-size:12px; }
table { width:100%; border-collapse:collapse; background:var(--panel); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
th, td { padding:8px 12px; text-align:right; font-variant-numeric:tabular-nums; border-bottom:1px solid var(--line); white-space:nowrap; }
th { font-size:12px; color:var(--muted); font-weight:600; background:color-mix(in srgb, var(--panel) 92%, var(--text)); }
th:first-child, td:first-child { text-align:left; }
td:first-child { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:13px; max-width:380px; overflow:hidden; text-overflow:ellipsis; }
tr:last-child td { border-bottom:0; }
.empty td { color:var(--muted); text-align:center !important; font-family:inherit; }
.pill { display:inline-block; padding:1px 9px; border-radius:999px; font-size:12px; font-weight:600; border:1px solid currentColor; }
.pill.closed { color:var(--ok); } .pill.half-open { color:var(--warn); } .pill.open { color:var(--bad); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
form.filters { display:flex; gap:8px; flex-wrap:wrap; margin:0 0 12px; }
form.filters input, form.filters select, form.filters button { font:inherit; padding:4px 8px; border:1px solid var(--line); border-radius:6px; background:var(--panel); color:var(--text); }
.timeline { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.step { display:grid; grid-template-columns:260px 1fr 90px; gap:10px; align-items:center; margin:4px 0; font-size:13px; }
.track { position:relative; height:14px; background:color-mix(in srgb, var(--line) 60%, transparent); border-radius:4px; }
.track span { position:absolute; top:0; bottom:0; border-radius:4px; background:var(--bar); min-width:2px; }
.track span.error, .track span.rejected { background:var(--bad); } .track span.skipped { background:var(--warn); }
.meter { display:inline-block; width:80px; height:8px; border-radius:4px; background:var(--line); vertical-align:middle; overflow:hidden; }
.meter span { display:block; height:100%; background:var(--ok); } .meter span.over { background:var(--bad); }
dl { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:12px 14px; margin:0; }
dt { color:var(--muted); } dd { margin:0; font-variant-numeric:tabular-nums; overflow-wrap:anywhere; }
pre { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:12px 14px; overflow:auto; font-size:12px; }
.good { color:var(--ok); } .fair { color:var(--warn); } .poor { color:var(--bad); }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const fmt = {
  int: (n) => Math.round(n).toLocaleString('en-US'),
  // Rounded down, so a rate with any failure in it never reads 100%.
  rate: (r) => r === null ? '–' : Math.floor(r * 1000) / 10 + '%',
  ms: (v) => v === null ? '–' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms',
  // Model prices are fractions of a cent: show two significant digits below a cent rather than $0.0000.
  usd: (c) => c === 0 ? '$0.00' : c < 0.000001 ? '<$0.000001' : c < 0.01 ? '$' + c.toPrecision(2) : '$' + c.toFixed(2),
  uptime: (s) => s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min' : (s / 3600).toFixed(1) + ' h',
};
const rateClass = (r) => r === null ? '' : r >= 0.99 ? 'good' : r >= 0.9 ? 'fair' : 'poor';
function cell(text, className) { const td = document.createElement('td'); td.textContent = text; if (className) td.className = className; return td; }
function rows(tbody, items, kind, columns) {
  tbody.replaceChildren();
  if (items.length === 0) {
    const tr = document.createElement('tr'); tr.className = 'empty';
    const td = cell('No requests yet'); td.colSpan = columns; tr.append(td); tbody.append(tr); return;
  }
  for (const row of items) {
    const tr = document.createElement('tr'); tr.dataset[kind] = row.name;
    const name = cell(row.name); name.title = row.name; tr.append(name);
    if (kind === 'model') {
      const td = document.createElement('td'); const pill = document.createElement('span');
      pill.className = 'pill ' + row.breaker; pill.textContent = row.breaker; pill.dataset.field = 'breaker'; pill.title = row.breakerKey;
      td.append(pill); tr.append(td);
    }
    const fields = [['requestsPerMinute', fmt.int(row.requestsPerMinute)], ['successRate', fmt.rate(row.successRate), rateClass(row.successRate)],
      ['p50Ms', fmt.ms(row.p50Ms)], ['p99Ms', fmt.ms(row.p99Ms)], ['fallbacks', fmt.int(row.fallbacks)], ['requests', fmt.int(row.requests)], ['cost', fmt.usd(row.cost)]];
    for (const [field, text, className] of fields) { const td = cell(text, className); td.dataset.field = field; tr.append(td); }
    tbody.append(tr);
  }
}
function spark(counts) {
  const svg = $('spark'); const max = Math.max(1, ...counts); const w = 100 / counts.length;
  svg.replaceChildren();
  counts.forEach((n, i) => {
    const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    const h = n === 0 ? 0 : Math.max(2, (n / max) * 46);
    r.setAttribute('x', (i * w + w * 0.1).toFixed(2)); r.setAttribute('width', (w * 0.8).toFixed(2));
    r.setAttribute('y', (48 - h).toFixed(2)); r.setAttribute('height', h.toFixed(2)); svg.append(r);
  });
  $('peak').textContent = max + '/s peak';
}
function render(s) {
  const t = s.totals;
  $('total-rpm').textContent = fmt.int(t.requestsPerMinute);
  $('total-success').textContent = fmt.rate(t.successRate); $('total-success').className = 'value ' + rateClass(t.successRate);
  $('total-p50').textContent = fmt.ms(t.p50Ms); $('total-p99').textContent = fmt.ms(t.p99Ms);
  $('total-fallbacks').textContent = fmt.int(t.fallbacks); $('total-cost').textContent = fmt.usd(t.cost);
  $('uptime').textContent = 'up ' + fmt.uptime(s.uptimeSeconds) + ' · ' + fmt.int(t.requests) + ' requests · window ' + s.windowSeconds + ' s';
  spark(s.perSecond);
  rows($('routes'), s.routes, 'route', 8);
  rows($('models'), s.models, 'model', 9);
  const open = s.breakers.filter((b) => b.state !== 'closed').length;
  $('breakers').textContent = open === 0 ? 'all breakers closed' : open + ' breaker' + (open === 1 ? '' : 's') + ' not closed';
  $('breakers').className = open === 0 ? 'good' : 'poor';
}
function live(on) { $('live').className = on ? 'live on' : 'live'; $('live').textContent = on ? 'live' : 'reconnecting'; }
let polling;
function poll() {
  if (polling) return;
  polling = setInterval(() => fetch('status.json', { cache: 'no-store' }).then((r) => r.json())
    .then((s) => { live(true); render(s); }, () => live(false)), 1000);
}
if ('EventSource' in window) {
  const source = new EventSource('status/events');
  source.onmessage = (e) => { live(true); render(JSON.parse(e.data)); };
  source.onerror = () => { live(false); if (source.readyState === EventSource.CLOSED) poll(); };
} else { poll(); }
`;

const HEAD_ROW = (first: string, extra: string) =>
  `<tr><th>${first}</th>${extra}<th>req/min</th><th>success</th><th>p50</th><th>p99</th><th>fallbacks</th><th>requests</th><th>cost</th></tr>`;

/**
 * The page's HTML. Built once at startup; it fetches its data itself.
 *
 * @example
 * res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(statusPageHtml());
 */
export function statusPageHtml(title = 'Understudy gateway'): string {
  const safeTitle = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${safeTitle}</title><style>${STYLE}</style></head>
<body><main>
<header><h1>${safeTitle}</h1><span id="live" class="live">connecting</span><span id="breakers"></span><nav><a href="requests">Request log</a> · <a href="spend">Spend</a></nav><span id="uptime" class="meta"></span></header>
<section class="cards">
<div class="card"><div class="label">Requests / min</div><div class="value" id="total-rpm">–</div></div>
<div class="card"><div class="label">Success rate</div><div class="value" id="total-success">–</div></div>
<div class="card"><div class="label">Latency p50</div><div class="value" id="total-p50">–</div></div>
<div class="card"><div class="label">Latency p99</div><div class="value" id="total-p99">–</div></div>
<div class="card"><div class="label">Fallbacks</div><div class="value" id="total-fallbacks">–</div></div>
<div class="card"><div class="label">Cost</div><div class="value" id="total-cost">–</div></div>
</section>
<div class="spark"><div class="label">Requests per second, last window · <span id="peak"></span></div>
<svg id="spark" viewBox="0 0 100 48" preserveAspectRatio="none" role="img" aria-label="requests per second"></svg></div>
<h2>Routes</h2>
<table><thead>${HEAD_ROW('route', '')}</thead><tbody id="routes"></tbody></table>
<h2>Models</h2>
<table><thead>${HEAD_ROW('model', '<th>breaker</th>')}</thead><tbody id="models"></tbody></table>
</main><script>${SCRIPT}</script></body></html>`;
}
