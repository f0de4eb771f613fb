/**
 * `POST /v1beta/models/{model}:countTokens`, Gemini's token count: a body of `contents` (with
 * `systemInstruction` and `tools` inside `generateContentRequest` when the client has them), answered
 * `{"totalTokens": N}`. The model in the path resolves as a generate request's would; the chain's first
 * model counts. A Gemini upstream counts exactly: it gets the client's bytes as sent (the model inside
 * `generateContentRequest` spliced to its own), and its answer goes back as received. Any other
 * upstream — or one that fails to count — gets the gateway's estimate: characters / 4 of the text, a
 * flat 1,600 tokens per inline or file part, as `/v1/messages/count_tokens` estimates. The header
 * `x-understudy-token-count` says which (`exact` or `estimate`). Like Anthropic's count, it is a request
 * for the key's requests-per-minute budget and spends no tokens.
 *
 * @example
 * // POST /v1beta/models/smart:countTokens {"contents":[{"parts":[{"text":"Hi"}]}]}
 * // 200 {"totalTokens":1}   x-understudy-token-count: estimate
 */
import { findTopLevelValue, setTopLevelValue } from '../../adapters/pass-through/json-splice.ts';
import { ModelHTTPError } from '../../core/errors/index.ts';
import { FallbackModel } from '../../fallback/fallback-model.ts';
import { postJsonForText } from '../../transport/client.ts';
import { upstreamHeaders } from '../../transport/http-call.ts';
import type { Provider } from '../../transport/provider.ts';
import { enforceAllowedRoutes } from '../auth/client-keys.ts';
import { enforceRequestRate } from '../auth/rate-limits.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { safeHeaderValue } from '../errors/scrub.ts';
import { describe, relayed } from '../routes/count-tokens.ts';
import { sendJson } from '../routes/send-json.ts';
import { MEDIA_BLOCK_TOKENS } from '../routes/token-estimate.ts';
import { readJsonBodyText } from '../server/read-body.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { parseGenerateContent } from './request.ts';

/** As for Anthropic's count: long enough for any count, short enough not to hold a client. */
const COUNT_DEADLINE_MS = 30_000;
const RELAYED_STATUSES = new Set([400, 404, 413]);

export async function handleGeminiCountTokens(scope: RequestScope, model: string): Promise<void> {
  const { context, client } = scope;
  const { json: body, text } = await readJsonBodyText(scope.req, context.bodyLimits);
  const request = countedRequest(body);
  const estimate = (): number => estimateTokens(request, model);
  const chain = context.registry.route([model], { thinking: false, inputTokens: estimate });
  enforceAllowedRoutes(client, chain.targets);
  await enforceRequestRate(context.rateLimitStore, client);
  const modelId = chain.modelIds[0]!;
  const headers = {
    'x-understudy-route': safeHeaderValue(chain.label),
    'x-understudy-route-reason': safeHeaderValue(chain.reason),
    'x-understudy-model': modelId,
  };
  const first = chain.model instanceof FallbackModel ? chain.model.models[0] : chain.model;
  const provider = first?.provider as Partial<Provider> | undefined;
  if (first && provider?.protocol === 'google') {
    const counted = await countUpstream(scope, text, provider as Provider, first.modelName).catch(
      (error: unknown) => {
        if (error instanceof ModelHTTPError && RELAYED_STATUSES.has(error.statusCode)) throw relayed(error);
        context.log(`countTokens: ${modelId} did not count (${describe(error)}); answered an estimate`);
        return undefined;
      },
    );
    if (counted !== undefined) {
      sendJson(scope, counted, { 'x-understudy-token-count': 'exact', ...headers });
      return;
    }
  }
  sendJson(scope, { totalTokens: estimate() }, { 'x-understudy-token-count': 'estimate', ...headers });
}

/** The generate request being counted: `generateContentRequest` when sent, else the body's `contents`. */
function countedRequest(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object with `contents`.');
  const fields = body as Record<string, unknown>;
  const inner = fields.generateContentRequest;
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
    return inner as Record<string, unknown>;
  if (!Array.isArray(fields.contents) || fields.contents.length === 0)
    throw new GatewayError(400, 'invalid_request', 'contents: Field required; send at least one content.', {
      param: 'contents',
    });
  return { contents: fields.contents };
}

function estimateTokens(request: Record<string, unknown>, model: string): number {
  const { call } = parseGenerateContent(request, model, false);
  let media = 0;
  let toolCharacters = 0;
  for (const message of call.messages) {
    if (message.kind !== 'request') continue;
    for (const part of message.parts) {
      if (part.partKind === 'user-prompt' && typeof part.content !== 'string')
        for (const item of part.content) if (item.kind !== 'text') media++;
    }
  }
  for (const tool of call.params.functionTools) toolCharacters += JSON.stringify(tool).length;
  return call.estimatedInputTokens + Math.ceil(toolCharacters / 4) + media * MEDIA_BLOCK_TOKENS;
}

/** The upstream's answer text, as received, once it is seen to be a count. */
async function countUpstream(
  scope: RequestScope,
  text: string,
  provider: Provider,
  modelName: string,
): Promise<string> {
  // The client's bytes, but for the model a generateContentRequest names (the path names the upstream's).
  let forwarded = text;
  const inner = findTopLevelValue(text, 'generateContentRequest');
  if (inner && text.charCodeAt(inner[0]) === 123) {
    const request = setTopLevelValue(text.slice(inner[0], inner[1]), 'model', `models/${modelName}`);
    forwarded = text.slice(0, inner[0]) + request + text.slice(inner[1]);
  }
  const clientGone = new AbortController();
  scope.res.on('close', () => clientGone.abort());
  const answer = await postJsonForText({
    url: provider.url(`/models/${encodeURIComponent(modelName)}:countTokens`, modelName),
    headers: await upstreamHeaders(provider, {}, 'application/json'),
    body: forwarded,
    modelName,
    signal: AbortSignal.any([clientGone.signal, AbortSignal.timeout(COUNT_DEADLINE_MS)]),
    timeouts: provider.timeouts,
  });
  const count = JSON.parse(answer.text) as { totalTokens?: unknown } | null;
  if (typeof count?.totalTokens !== 'number') throw new Error('the answer has no totalTokens');
  return answer.text;
}
