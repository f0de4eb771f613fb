/**
 * `POST /v1/messages/count_tokens`, Anthropic's token count: a Messages body without `max_tokens`,
 * answered `{"input_tokens": N}`. `model` names a model or a route, resolved as `/v1/messages` resolves
 * it; the first model of the chain counts. An upstream that speaks Anthropic's protocol counts exactly:
 * it gets the client's body as sent, with only `model` rewritten to its own name (and the gateway's
 * `models` removed) and the protocol's headers, as a chat request passed through does
 * (routing/pass-through.ts), and its answer goes back as received. Any other upstream — or one that fails to
 * count — gets the gateway's estimate (token-estimate.ts). The header `x-understudy-token-count` says
 * which (`exact` or `estimate`). A count is a request for the key's requests-per-minute budget, but it
 * spends no tokens: the token budget is neither checked nor charged.
 *
 * @example
 * // POST /v1/messages/count_tokens {"model":"smart","messages":[{"role":"user","content":"Hi"}]}
 * // 200 {"input_tokens":8}   x-understudy-token-count: exact   x-understudy-model: anthropic:claude-sonnet-4-5
 */
import { ModelHTTPError } from '../../core/errors/index.ts';
import type { PassThroughRequest } from '../../core/model.ts';
import { FallbackModel } from '../../fallback/fallback-model.ts';
import { isBalanced } from '../../fallback/group/balanced-step.ts';
import { postJsonForText } from '../../transport/client.ts';
import { upstreamHeaders } from '../../transport/http-call.ts';
import type { Provider } from '../../transport/provider.ts';
import { anthropicPassThrough } from '../anthropic/pass-through.ts';
import { enforceAllowedRoutes } from '../auth/client-keys.ts';
import { enforceRequestRate } from '../auth/rate-limits.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { safeHeaderValue, scrubSecrets } from '../errors/scrub.ts';
import type { Chain } from '../routing/model-registry.ts';
import { passThroughRequest } from '../routing/pass-through.ts';
import type { RequestTraits } from '../routing/routing-rules.ts';
import { readJsonBodyText } from '../server/read-body.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { sendJson } from './send-json.ts';
import { estimateInputTokens } from './token-estimate.ts';

export const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/** Long enough for any count (they take well under a second); short enough not to hold a client. */
const COUNT_DEADLINE_MS = 30_000;

// An upstream's refusal of the body itself is the client's to see, as Anthropic words it; any other
// failure (auth, rate limit, outage) is the gateway's, and the client gets an estimate instead.
const RELAYED_STATUSES = new Set([400, 404, 413]);

export async function handleCountTokens(scope: RequestScope): Promise<void> {
  const { context, client } = scope;
  const { json: body, text } = await readJsonBodyText(scope.req, context.bodyLimits);
  const request = parseCountRequest(body);
  const chain = context.registry.route(request.modelIds, countTraits(request.body));
  enforceAllowedRoutes(client, chain.targets);
  await enforceRequestRate(context.rateLimitStore, client);
  const modelId = chain.modelIds[0]!;
  const step = chain.model instanceof FallbackModel ? chain.model.models[0] : chain.model;
  // A group or key pool counts with the deployment (and key) a call would go to first.
  const first = step && isBalanced(step) ? step.plan.leaves[step.plan.order()[0] ?? 0] : step;
  const provider = first?.provider;
  if (first && provider && isAnthropicProvider(provider)) {
    const forwarded = passThroughRequest(anthropicPassThrough, text, request.body, scope.req.headers);
    const counted = await countUpstream(scope, forwarded, provider, first.modelName).catch(
      (error: unknown) => {
        if (error instanceof ModelHTTPError && RELAYED_STATUSES.has(error.statusCode)) throw relayed(error);
        context.log(`count_tokens: ${modelId} did not count (${describe(error)}); answered an estimate`);
        return undefined;
      },
    );
    if (counted !== undefined) {
      sendJson(scope, counted, { 'x-understudy-token-count': 'exact', ...routeHeaders(chain, modelId) });
      return;
    }
  }
  const estimate = { input_tokens: estimateInputTokens(request.body) };
  sendJson(scope, estimate, { 'x-understudy-token-count': 'estimate', ...routeHeaders(chain, modelId) });
}

/**
 * A count resolves as its `/v1/messages` would, rules included, so it counts with the model the request
 * will meet. The estimate is computed only if a rule asks for it.
 */
function countTraits(body: Readonly<Record<string, unknown>>): RequestTraits {
  const thinking = (body.thinking as { type?: unknown } | null | undefined)?.type;
  return {
    thinking: thinking === 'enabled' || thinking === 'adaptive',
    inputTokens: () => estimateInputTokens(body),
  };
}

function routeHeaders(chain: Chain, modelId: string): Record<string, string> {
  return {
    'x-understudy-route': safeHeaderValue(chain.label),
    'x-understudy-route-reason': safeHeaderValue(chain.reason),
    'x-understudy-model': modelId,
  };
}

interface CountRequest {
  /** `model`, then the gateway's `models`, as a chat request names them. */
  modelIds: string[];
  body: Record<string, unknown>;
}

/** What the gateway needs of a count body; every other field is the upstream's to judge. */
function parseCountRequest(body: unknown): CountRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request body must be a JSON object with `model` and `messages`.', undefined);
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '')
    throw invalid('model: Field required; name a model or a route, as for /v1/messages.', 'model');
  if (!Array.isArray(fields.messages) || fields.messages.length === 0)
    throw invalid('messages: Field required; send at least one message.', 'messages');
  const models = fields.models;
  if (models !== undefined && !(Array.isArray(models) && models.every((id) => typeof id === 'string')))
    throw invalid('models: must be a list of model or route names.', 'models');
  return { modelIds: [fields.model, ...((models as string[] | undefined) ?? [])], body: fields };
}

function invalid(message: string, param: string | undefined): GatewayError {
  return new GatewayError(400, 'invalid_request', message, param === undefined ? {} : { param });
}

/** Provider is an upstream that speaks Anthropic's Messages protocol (and so its count endpoint). */
function isAnthropicProvider(upstream: object): upstream is Provider {
  return (upstream as Partial<Provider>).protocol === 'anthropic';
}

/** The upstream's answer text, as received, once it is seen to be a count. */
async function countUpstream(
  scope: RequestScope,
  forwarded: PassThroughRequest,
  provider: Provider,
  modelName: string,
): Promise<string> {
  const headers = await upstreamHeaders(provider, {}, 'application/json');
  Object.assign(headers, forwarded.headers);
  const clientGone = new AbortController();
  scope.res.on('close', () => clientGone.abort());
  const answer = await postJsonForText({
    url: provider.url('/messages/count_tokens', modelName),
    headers,
    body: forwarded.body(modelName),
    modelName,
    signal: AbortSignal.any([clientGone.signal, AbortSignal.timeout(COUNT_DEADLINE_MS)]),
    timeouts: provider.timeouts,
  });
  const count = JSON.parse(answer.text) as { input_tokens?: unknown } | null;
  if (typeof count?.input_tokens !== 'number') throw new Error('the answer has no input_tokens');
  return answer.text;
}

/** The upstream's refusal of the body, with its status and its own words (scrubbed of any key). */
export function relayed(error: ModelHTTPError): GatewayError {
  const inner = (error.body as { error?: { message?: unknown } } | null)?.error;
  const message = typeof inner?.message === 'string' ? inner.message : 'The upstream refused the request.';
  const code =
    error.statusCode === 413 ? 'body_too_large' : error.statusCode === 404 ? 'not_found' : 'invalid_request';
  return new GatewayError(error.statusCode, code, scrubSecrets(message));
}

/** A count's failure in a log line: its message, scrubbed of any key, cut short. */
export function describe(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error)).slice(0, 300);
}
