/**
 * `GET /v1/models` in OpenAI's list shape: the config's routes (owned by `understudy`) and the models
 * they name (owned by their provider), limited to what the calling key may use.
 *
 * @example
 * // {"object":"list","data":[{"id":"smart","object":"model","created":0,"owned_by":"understudy"}, ...]}
 */
import type { ClientIdentity } from '../auth/client-keys.ts';
import type { GatewayContext } from '../server/context.ts';
import type { GatewayResponse } from '../server/http-types.ts';

export function handleModels(
  res: GatewayResponse,
  context: GatewayContext,
  client: ClientIdentity | undefined,
  base: Record<string, string>,
): void {
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
  res.writeHead(200, {
    ...base,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
