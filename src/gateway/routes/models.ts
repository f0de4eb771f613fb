/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the config's routes (owned by `understudy`) and the models
 * they name (owned by their provider), limited to what the calling key may use — in OpenAI's shapes, or
 * in Anthropic's when the client speaks Anthropic (`scope.api`, read from its headers), since both SDKs
 * call the same paths and read different fields; in Gemini's under `/v1beta/models` (gemini/routes.ts).
 *
 * @example
 * // OpenAI:    {"object":"list","data":[{"id":"smart","object":"model","created":0,"owned_by":"understudy"}, ...]}
 * // Anthropic: {"data":[{"type":"model","id":"smart","display_name":"smart","created_at":"1970-01-01T00:00:00Z"}],
 * //             "has_more":false,"first_id":"smart","last_id":"smart"}
 */
import { GatewayError } from '../errors/gateway-error.ts';
import { geminiModel } from '../gemini/model-shape.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { anthropicModelPage } from './anthropic-model-page.ts';
import { sendJson } from './send-json.ts';

/** One entry of the catalog, before either protocol's shape is put on it. */
export interface CatalogModel {
  id: string;
  ownedBy: string;
}

// The gateway knows no release date of a route or model; both protocols' fields say "unknown" as the epoch.
const CREATED = 0;
const CREATED_AT = new Date(CREATED * 1000).toISOString().replace('.000Z', 'Z');

/** The id in `/v1/models/{id}` (or `/models/{id}`), percent-decoded as the SDKs encode it; else undefined. */
export function modelIdInPath(path: string): string | undefined {
  const prefix = path.startsWith('/v1/models/')
    ? '/v1/models/'
    : path.startsWith('/models/')
      ? '/models/'
      : '';
  if (prefix === '' || path.length === prefix.length) return undefined;
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    throw new GatewayError(
      400,
      'invalid_request',
      `The model id in '${path}' is not valid percent-encoding.`,
    );
  }
}

export function handleModels(scope: RequestScope): void {
  const catalog = catalogOf(scope);
  if (scope.api === 'anthropic') {
    sendJson(scope, anthropicModelPage(catalog, scope.req.url ?? '', anthropicModel));
    return;
  }
  if (scope.api === 'gemini') {
    sendJson(scope, { models: catalog.map(geminiModel) });
    return;
  }
  sendJson(scope, { object: 'list', data: catalog.map(openAIModel) });
}

/**
 * One model or route: those listed, and with no route restriction on the key also any id the gateway
 * would serve (resolved as a chat request resolves it), so a client can check the model it will ask for.
 */
export function handleModel(scope: RequestScope, id: string): void {
  const catalog = catalogOf(scope);
  let found = catalog.find((model) => model.id === id);
  if (!found && !scope.client?.routes) {
    try {
      scope.context.registry.resolve([id]);
      found = { id, ownedBy: ownerOf(id) };
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
    }
  }
  if (!found) {
    const known = catalog.length > 0 ? ` Known: ${catalog.map((model) => model.id).join(', ')}.` : '';
    throw new GatewayError(
      404,
      'model_not_found',
      `The model '${id}' does not exist or is not served here.${known}`,
      {
        param: 'model',
      },
    );
  }
  sendJson(scope, SHAPE[scope.api](found));
}

/** What the calling key may see: its allowed routes, or every route and the models they name. */
function catalogOf(scope: RequestScope): CatalogModel[] {
  const { registry } = scope.context;
  const allowed = scope.client?.routes;
  const catalog: CatalogModel[] = [];
  for (const route of registry.routeNames) {
    if (!allowed || allowed.has(route)) catalog.push({ id: route, ownedBy: 'understudy' });
  }
  if (!allowed) {
    // A balanced group is requested by its name, as a route is.
    for (const group of registry.groupNames) catalog.push({ id: group, ownedBy: 'understudy' });
    for (const id of registry.routeModelIds()) catalog.push({ id, ownedBy: ownerOf(id) });
  }
  return catalog;
}

function ownerOf(id: string): string {
  return id.slice(0, Math.max(0, id.indexOf(':')));
}

const SHAPE = { openai: openAIModel, anthropic: anthropicModel, gemini: geminiModel } as const;

function openAIModel(model: CatalogModel): Record<string, unknown> {
  return { id: model.id, object: 'model', created: CREATED, owned_by: model.ownedBy };
}

function anthropicModel(model: CatalogModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.id, created_at: CREATED_AT };
}
