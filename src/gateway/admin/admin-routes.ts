/**
 * The admin API: client keys managed over HTTP, behind the admin key (`UNDERSTUDY_ADMIN_KEY`, sent as
 * `Authorization: Bearer …`). Without that variable the API is off and says how to turn it on.
 *
 *   POST /admin/keys               {"name":"ci","budgets":["50/month"],"routes":["smart"]} → the key, once
 *   GET  /admin/keys               every key (never the key itself: its id, name, budgets, routes)
 *   POST /admin/keys/<id>/revoke   (or the key's name)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BUDGET_HINT, type Budget, parseBudget } from '../budgets/budget.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { sendJson } from '../routes/send-json.ts';
import { readJsonBody } from '../server/read-body.ts';
import type { RequestScope } from '../server/request-scope.ts';

export const ADMIN_PREFIX = '/admin/';
const REVOKE = /^\/admin\/keys\/([^/]+)\/revoke$/;

export async function handleAdmin(scope: RequestScope): Promise<void> {
  const { context, method, path } = scope;
  checkAdminKey(scope);
  const keys = context.managedKeys;
  if (!keys) throw new GatewayError(404, 'not_found', 'This gateway has no key database.');
  if (path === '/admin/keys' && method === 'GET') return sendJson(scope, { data: await keys.list() });
  if (path === '/admin/keys' && method === 'POST') {
    const body = await readJsonBody(scope.req, context.bodyLimits);
    const made = await keys.create(newKeyOf(body));
    return sendJson(scope, { key: made.key, ...made.listed, note: 'Shown once: only its hash is kept.' });
  }
  const revoke = REVOKE.exec(path);
  if (revoke && method === 'POST') {
    const revoked = await keys.revoke(decodeURIComponent(revoke[1]!));
    if (revoked.length === 0)
      throw new GatewayError(
        404,
        'not_found',
        `No live key with id or name '${revoke[1]}'; GET /admin/keys lists them.`,
      );
    return sendJson(scope, { data: revoked });
  }
  throw new GatewayError(
    404,
    'not_found',
    `No admin route ${method} ${path}: GET or POST /admin/keys, POST /admin/keys/<id>/revoke.`,
  );
}

/**
 * Refuses a request without the admin key: `Authorization: Bearer <key>`, or Basic with the key as the
 * password (what a browser sends for the request log after asking), compared in constant time.
 */
export function checkAdminKey(scope: RequestScope): void {
  const expected = scope.context.adminKeyHash;
  if (!expected)
    throw new GatewayError(
      403,
      'forbidden',
      'The admin API is off: set UNDERSTUDY_ADMIN_KEY for the gateway to turn it on.',
    );
  const hash = createHash('sha256').update(presentedAdminKey(scope.req.headers.authorization)).digest();
  if (!timingSafeEqual(hash, expected))
    throw new GatewayError(
      401,
      'unauthorized',
      'This takes the admin key: `Authorization: Bearer <UNDERSTUDY_ADMIN_KEY>` (or as the password of Basic auth).',
    );
}

function presentedAdminKey(header: string | undefined): string {
  if (header === undefined) return '';
  if (/^bearer\s+/i.test(header)) return header.replace(/^bearer\s+/i, '').trim();
  if (/^basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}

function newKeyOf(body: unknown): { name: string; budgets: Budget[]; routes: string[] | undefined } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const name = input.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    throw new GatewayError(
      400,
      'invalid_request',
      "name: give the key a name of letters, digits, '.', '_' or '-'.",
      { param: 'name' },
    );
  const texts = input.budgets ?? (input.budget === undefined ? [] : [input.budget]);
  if (!Array.isArray(texts))
    throw new GatewayError(400, 'invalid_request', `budgets: ${BUDGET_HINT}.`, { param: 'budgets' });
  const budgets = texts.map((text) => {
    const budget = typeof text === 'string' ? parseBudget(text) : undefined;
    if (!budget)
      throw new GatewayError(
        400,
        'invalid_request',
        `budgets: '${String(text)}' is not a budget; ${BUDGET_HINT}.`,
        { param: 'budgets' },
      );
    return budget;
  });
  const routes = input.routes;
  if (routes !== undefined && (!Array.isArray(routes) || routes.some((route) => typeof route !== 'string')))
    throw new GatewayError(400, 'invalid_request', 'routes: give a list of route names.', {
      param: 'routes',
    });
  return { name, budgets, routes: routes as string[] | undefined };
}
