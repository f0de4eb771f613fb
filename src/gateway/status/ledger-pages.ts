/**
 * The status page's request log and spend, read from the ledger and rendered on the server (no script:
 * every value is HTML-escaped text, so a route, model or user-agent can never inject markup):
 *
 *   GET /requests?key=&route=&model=&outcome=   newest first, filtered; each row links to its page
 *   GET /requests/<id>                          one request: its facts and its attempt timeline
 *   GET /spend                                  per key, route and tool, today and this month, against budgets
 */
import { checkAdminKey } from '../admin/admin-routes.ts';
import { formatBudget } from '../budgets/budget.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { type StoredRequest, storedOf } from '../ledger/ledger-store.ts';
import { periodOf } from '../ledger/spend-periods.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { STYLE } from './status-page.ts';

/** True for a path these pages serve. */
export function isLedgerPage(path: string): boolean {
  return path === '/requests' || path === '/spend' || path.startsWith('/requests/');
}

/**
 * Who may read the log: on an open gateway (no client keys), whoever may read the status page; once
 * clients need keys, only the admin — the log names keys and tools, and may hold request bodies — who
 * signs in with the admin key as a Basic-auth password (the browser asks).
 */
function mayRead(scope: RequestScope): boolean {
  if (!scope.context.clients.required && scope.context.adminKeyHash === undefined) return true;
  try {
    checkAdminKey(scope);
    return true;
  } catch (error) {
    if (!(error instanceof GatewayError) || error.status !== 401) throw error;
  }
  scope.res.writeHead(401, {
    ...scope.baseHeaders,
    'www-authenticate': 'Basic realm="understudy request log"',
    'content-type': 'text/plain; charset=utf-8',
  });
  scope.res.end(
    'The request log takes the admin key (UNDERSTUDY_ADMIN_KEY) as the password; any user name.\n',
  );
  return false;
}

export async function handleLedgerPage(scope: RequestScope): Promise<void> {
  if (!mayRead(scope)) return;
  const ledger = scope.context.ledger;
  if (!ledger) throw new GatewayError(404, 'not_found', 'This gateway keeps no request ledger.');
  if (scope.path === '/requests') return send(scope, 'Request log', await requestLog(scope));
  if (scope.path === '/spend') return send(scope, 'Spend', await spendPage(scope));
  const id = decodeURIComponent(scope.path.slice('/requests/'.length));
  const request = await ledger.find(id);
  if (!request) throw new GatewayError(404, 'not_found', `No request '${id}' in the ledger.`);
  return send(scope, `Request ${id}`, requestPage(request), '../');
}

const FILTERS = ['key', 'route', 'model', 'outcome'] as const;

async function requestLog(scope: RequestScope): Promise<string> {
  const ledger = scope.context.ledger!;
  const query = new URLSearchParams((scope.req.url ?? '').split('?')[1] ?? '');
  const filter = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || undefined]));
  const before = Number(query.get('before')) || undefined;
  // What is still queued shows too (newest first), as the database will have it a flush later.
  const queued = ledger
    .pending()
    .map((item) => storedOf(item.id, item.entry))
    .filter((request) => matches(request, filter) && (before === undefined || request.time < before))
    .reverse();
  const stored = await ledger.store.list({ ...filter, before, limit: 100 });
  const seen = new Set(queued.map((request) => request.id));
  const rows = [...queued, ...stored.filter((request) => !seen.has(request.id))].slice(0, 100);
  const inputs = FILTERS.map(
    (name) => `<input name="${name}" placeholder="${name}" value="${escapeHtml(filter[name] ?? '')}">`,
  ).join('');
  const body = rows
    .map(
      (
        r,
      ) => `<tr data-id="${escapeHtml(r.id)}"><td><a href="requests/${encodeURIComponent(r.id)}">${escapeHtml(time(r.time))}</a></td>
<td>${escapeHtml(r.clientName ?? r.clientKeyId ?? '–')}</td><td>${escapeHtml(r.route)}</td><td>${escapeHtml(r.servedModel ?? '–')}</td>
<td class="${r.outcome === 'ok' ? 'good' : 'poor'}">${escapeHtml(r.outcome)}</td><td>${r.status}</td><td>${r.attempts.length}</td>
<td>${r.inputTokens} / ${r.outputTokens}</td><td>${usd(r.cost)}${r.insured ? ' (insured)' : ''}</td><td>${ms(r.latencyMs)}</td><td>${escapeHtml(r.tool)}</td></tr>`,
    )
    .join('\n');
  const last = rows.at(-1);
  const next =
    rows.length === 100 && last
      ? `<p><a href="requests?${new URLSearchParams({ ...definedOf(filter), before: String(last.time) })}">Older →</a></p>`
      : '';
  return `<form class="filters" method="get" action="requests">${inputs}<button>Filter</button> <a href="requests">clear</a></form>
<table><thead><tr><th>time</th><th>key</th><th>route</th><th>model</th><th>outcome</th><th>status</th><th>attempts</th><th>tokens in / out</th><th>cost</th><th>latency</th><th>tool</th></tr></thead>
<tbody id="log">${body || '<tr class="empty"><td colspan="11">No requests match</td></tr>'}</tbody></table>${next}`;
}

function requestPage(r: StoredRequest): string {
  const facts: Array<[string, string]> = [
    ['time', time(r.time)],
    ['key', r.clientName ? `${r.clientName} (${r.clientKeyId})` : (r.clientKeyId ?? '–')],
    ['route', r.route],
    ['served by', r.servedModel ?? '–'],
    ['deployment', r.deployment ?? '–'],
    ['key fingerprint', r.keyFingerprint ?? '–'],
    ['outcome', `${r.outcome} (HTTP ${r.status})`],
    ['finish reason', r.finishReason ?? '–'],
    ['tokens', `${r.inputTokens} in, ${r.outputTokens} out, ${r.cacheReadTokens} cached`],
    ['cost', `${usd(r.cost)}${r.insured ? ' — zero-completion insurance: not charged' : ''}`],
    ['latency', ms(r.latencyMs)],
    ['time to first token', r.timeToFirstTokenMs === null ? '–' : ms(r.timeToFirstTokenMs)],
    ['client', `${r.api}${r.stream ? ', streamed' : ''} · ${r.userAgent ?? 'no user-agent'}`],
  ];
  const start = Math.min(r.time, ...r.attempts.map((a) => a.startedAt));
  const span = Math.max(r.latencyMs, ...r.attempts.map((a) => a.startedAt + a.durationMs - start), 1);
  const steps = r.attempts
    .map((a) => {
      const left = ((a.startedAt - start) / span) * 100;
      const width = (a.durationMs / span) * 100;
      const what = [a.errorKind, a.statusCode, a.deployment, a.keyFingerprint].filter((v) => v !== undefined);
      return `<div class="step" data-outcome="${escapeHtml(a.outcome)}"><div>${escapeHtml(`${a.providerName}:${a.modelName}`)} <span class="${a.outcome === 'ok' ? 'good' : 'poor'}">${escapeHtml(a.outcome)}</span>${what.length ? ` · ${escapeHtml(what.join(' · '))}` : ''}</div>
<div class="track"><span class="${escapeHtml(a.outcome)}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></div><div>${ms(a.durationMs)}</div></div>`;
    })
    .join('\n');
  return `<dl>${facts.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>
<h2>Attempts</h2><div class="timeline" id="timeline">${steps || '<p>No attempt was made.</p>'}</div>
${r.body ? `<h2>Request body (redacted)</h2><pre>${escapeHtml(r.body)}</pre>` : ''}`;
}

async function spendPage(scope: RequestScope): Promise<string> {
  const { ledger, budgets, managedKeys } = scope.context;
  const now = Date.now();
  const names = new Map<string, string>();
  const budgetsOf = new Map<string, string[]>();
  const rows = await ledger!.store.db.query<{ id: string; name: string }>(
    'SELECT client_key_id AS id, MAX(client_name) AS name FROM requests WHERE client_key_id IS NOT NULL AND time_ms >= ? GROUP BY client_key_id',
    [Date.parse(`${periodOf('month', now).slice(6)}-01T00:00:00Z`)],
  );
  for (const row of rows) names.set(`key:${row.id}`, row.name);
  for (const key of (await managedKeys?.list()) ?? []) {
    names.set(`key:${key.id}`, key.name);
    budgetsOf.set(`key:${key.id}`, key.budgets);
  }
  const keyBudgetsByName = scope.context.keyBudgets;
  for (const [scopeName, name] of names) {
    const configured = keyBudgetsByName.get(name);
    if (configured && !budgetsOf.has(scopeName)) budgetsOf.set(scopeName, configured.map(formatBudget));
  }
  for (const [route, list] of budgets?.routeBudgets ?? [])
    budgetsOf.set(`route:${route}`, list.map(formatBudget));
  const spend = budgets?.snapshot() ?? [];
  const section = (kind: string, title: string) => {
    const items = spend.filter((row) => row.scope.startsWith(`${kind}:`)).sort((a, b) => b.month - a.month);
    const body = items
      .map((row) => {
        const label = names.get(row.scope) ?? row.scope.slice(kind.length + 1);
        const limits = budgetsOf.get(row.scope) ?? [];
        return `<tr data-scope="${escapeHtml(row.scope)}"><td>${escapeHtml(label)}</td><td>${usd(row.day)}</td><td>${usd(row.month)}</td><td>${limits.map((text) => budgetMeter(text, row)).join(' ') || '–'}</td></tr>`;
      })
      .join('\n');
    return `<h2>${title}</h2><table><thead><tr><th>${kind}</th><th>today</th><th>this month</th><th>budget</th></tr></thead>
<tbody id="spend-${kind}">${body || '<tr class="empty"><td colspan="4">No spend yet</td></tr>'}</tbody></table>`;
  };
  return `<p class="meta">UTC day ${escapeHtml(periodOf('day', now).slice(4))} and month ${escapeHtml(periodOf('month', now).slice(6))}; a tool is the client's user-agent family.</p>
${section('key', 'Per key')}${section('route', 'Per route')}${section('tool', 'Per tool')}`;
}

function budgetMeter(text: string, row: { day: number; month: number }): string {
  const [usdText, period] = text.split('/');
  const limit = Number(usdText);
  const spent = period === 'day' ? row.day : row.month;
  const share = limit > 0 ? spent / limit : 1;
  return `<span title="${escapeHtml(`${usd(spent)} of $${text}`)}"><span class="meter"><span class="${share >= 1 ? 'over' : ''}" style="width:${Math.min(100, share * 100).toFixed(1)}%"></span></span> $${escapeHtml(text)}</span>`;
}

function send(scope: RequestScope, title: string, content: string, base = ''): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Understudy</title><style>${STYLE}</style></head><body><main>
<header><h1>${escapeHtml(title)}</h1><nav><a href="${base}./">Status</a> · <a href="${base}requests">Request log</a> · <a href="${base}spend">Spend</a></nav></header>
${content}</main></body></html>`;
  scope.res.writeHead(200, {
    ...scope.baseHeaders,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  scope.res.end(html);
}

function matches(request: StoredRequest, filter: Record<string, string | undefined>): boolean {
  if (filter.key && request.clientKeyId !== filter.key && request.clientName !== filter.key) return false;
  if (filter.route && request.route !== filter.route) return false;
  if (filter.model && request.servedModel !== filter.model) return false;
  return !filter.outcome || request.outcome === filter.outcome;
}

function definedOf(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`);
const usd = (value: number | null) =>
  value === null
    ? '–'
    : value === 0
      ? '$0.00'
      : value < 0.01
        ? `$${value.toPrecision(2)}`
        : `$${value.toFixed(2)}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
