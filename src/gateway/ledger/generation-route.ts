/**
 * `GET /v1/generation?id=<response id>`: what OpenRouter's generation endpoint returns for an answer —
 * model, provider, tokens, cost, latency, generation time, finish reason — plus the attempt chain that
 * produced it. A request still queued for the database is found too. A client key sees only its own
 * requests.
 */
import { GatewayError } from '../errors/gateway-error.ts';
import { sendJson } from '../routes/send-json.ts';
import type { RequestScope } from '../server/request-scope.ts';
import type { StoredRequest } from './ledger-store.ts';

export const GENERATION_PATH = '/v1/generation';

export async function handleGeneration(scope: RequestScope): Promise<void> {
  const ledger = scope.context.ledger;
  if (!ledger) throw new GatewayError(404, 'not_found', 'This gateway keeps no request ledger.');
  const query = new URLSearchParams((scope.req.url ?? '').split('?')[1] ?? '');
  const id = query.get('id');
  if (!id)
    throw new GatewayError(400, 'invalid_request', 'Give the response id: /v1/generation?id=<id>.', {
      param: 'id',
    });
  const found = await ledger.find(id);
  const client = scope.client;
  if (!found || (client !== undefined && found.clientKeyId !== client.keyId))
    throw new GatewayError(
      404,
      'not_found',
      `No generation with id '${id}' (ids are the 'id' of an answer this gateway gave).`,
      { param: 'id' },
    );
  sendJson(scope, { data: generationOf(found) });
}

/** OpenRouter's field names, with Understudy's attempt chain beside them. */
function generationOf(request: StoredRequest): Record<string, unknown> {
  const [provider, ...model] = (request.servedModel ?? '').split(':');
  const generationMs =
    request.timeToFirstTokenMs === null ? null : Math.round(request.latencyMs - request.timeToFirstTokenMs);
  return {
    id: request.id,
    created_at: new Date(request.time).toISOString(),
    model: request.servedModel,
    provider_name: request.servedModel ? provider : null,
    upstream_model: request.servedModel ? model.join(':') : null,
    route: request.route,
    streamed: request.stream,
    api_type: request.api,
    tokens_prompt: request.inputTokens,
    tokens_completion: request.outputTokens,
    native_tokens_prompt: request.inputTokens,
    native_tokens_completion: request.outputTokens,
    native_tokens_cached: request.cacheReadTokens,
    total_cost: request.cost ?? 0,
    cost_known: request.cost !== null,
    zero_completion_insurance: request.insured,
    latency: Math.round(request.timeToFirstTokenMs ?? request.latencyMs),
    generation_time: generationMs ?? Math.round(request.latencyMs),
    finish_reason: request.finishReason,
    native_finish_reason: request.finishReason,
    status: request.status,
    error_kind: request.errorKind,
    user_agent: request.userAgent,
    client_key_id: request.clientKeyId,
    attempts: request.attempts.map((attempt) => ({
      model: `${attempt.providerName}:${attempt.modelName}`,
      outcome: attempt.outcome,
      error_kind: attempt.errorKind ?? null,
      status: attempt.statusCode ?? null,
      started_at: new Date(attempt.startedAt).toISOString(),
      duration_ms: Math.round(attempt.durationMs),
      group: attempt.group ?? null,
      deployment: attempt.deployment ?? null,
      key_fingerprint: attempt.keyFingerprint ?? null,
    })),
  };
}
