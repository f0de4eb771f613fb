/**
 * `GET /v1/models` in OpenAI's list shape: the config's routes (owned by `understudy`) and the models
 * they name (owned by their provider), limited to what the calling key may use.
 *
 * @example
 * // {"object":"list","data":[{"id":"smart","object":"model","created":0,"owned_by":"understudy"}, ...]}
 */
import type { RequestScope } from '../server/request-scope.ts';

export function handleModels(scope: RequestScope): void {
  const { context, client } = scope;
  const allowed = client?.routes;
  const data: Array<Record<string, unknown>> = [];
  for (const route of context.registry.routeNames) {
    if (!allowed || allowed.has(route))
      data.push({ id: route, object: 'model', created: 0, owned_by: 'understudy' });
  }
  if (!allowed) {
    for (const id of context.registry.routeModelIds()) {
      data.push({ id, object: 'model', created: 0, owned_by: id.slice(0, Math.max(0, id.indexOf(':'))) });
    }
  }
  const text = JSON.stringify({ object: 'list', data });
  scope.res.writeHead(200, {
    ...scope.baseHeaders,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  scope.res.end(text);
}
