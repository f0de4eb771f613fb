/**
 * The one chat pipeline behind `/v1/chat/completions` and `/v1/messages`: read and validate the body,
 * resolve the chain, check the key's routes and limits, call the FallbackModel (cancelled when the client
 * goes away), and write the answer in the client's protocol — whole, or as a stream committed at its
 * first event. Before commit a failure can still become a proper JSON error; after it, the stream ends
 * with the protocol's error frame, never a clean end with tokens missing.
 */
import { performance } from 'node:perf_hooks';
import { UserError } from '../../core/errors/index.ts';
import type { Attempt, ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { StreamedResponse } from '../../core/model.ts';
import type { RequestUsage } from '../../core/usage.ts';
import { priceOf } from '../../fallback/pricing/price.ts';
import { enforceAllowedRoutes } from '../auth/client-keys.ts';
import { chargeOutputTokens, enforceRequestLimits } from '../auth/rate-limits.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { scrubSecrets } from '../errors/scrub.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { RequestFinished } from '../events.ts';
import { CLIENT_DISCONNECTED, clientDisconnected } from '../server/in-flight.ts';
import { readJsonBodyText } from '../server/read-body.ts';
import type { ChatScope } from '../server/request-scope.ts';
import { attemptHeaders } from './attempt-headers.ts';
import type { ChatCall } from './chat-call.ts';
import type { ChatProtocol } from './chat-protocol.ts';
import { EventBatch } from './event-batch.ts';
import type { Chain, ModelRegistry } from './model-registry.ts';
import { type PassThroughProtocol, passThroughRequest, withUsageCost } from './pass-through.ts';
import { PassThroughStreamWriter } from './pass-through-writer.ts';
import type { RequestTraits } from './routing-rules.ts';
import type { ServedModel } from './served.ts';
import type { StreamWriter } from './stream-writer.ts';

/** Filled in as the request goes; the handler emits it as `request-finished` whatever happens. */
export function newRequestRecord(api: ChatProtocol['api'], userAgent: string | undefined): RequestFinished {
  return {
    route: '',
    routeReason: undefined,
    api,
    stream: false,
    servedModel: undefined,
    attempts: [],
    status: 200,
    errorKind: undefined,
    latencyMs: 0,
    timeToFirstTokenMs: undefined,
    usage: undefined,
    cost: undefined,
    clientKeyId: undefined,
    clientName: undefined,
    userAgent,
    responseId: undefined,
    finishReason: undefined,
    insured: false,
    body: undefined,
  };
}

/**
 * Serves one chat request from its scope; throws a GatewayError for the handler to render until the
 * answer is committed, and records what happened in `scope.record` either way.
 */
export async function runChat(scope: ChatScope): Promise<void> {
  const { context, record, client } = scope;
  const { json: body, text } = await readJsonBodyText(scope.req, context.bodyLimits);
  const call = scope.protocol.parse(body);
  // Only a reference: the ledger serializes (and redacts) it off the request path, when it stores bodies.
  if (context.ledger?.storesBodies) record.body = body;
  record.stream = call.stream;
  record.route = call.modelIds[0]!;
  const chain = context.registry.route(call.modelIds, chatTraits(call));
  record.route = chain.label;
  record.routeReason = chain.reason;
  enforceAllowedRoutes(client, chain.targets);
  const passThrough = scope.protocol.passThrough;
  const refused = untranslatable(call, chain, passThrough);
  if (passThrough && chain.passThrough && chain.wireProtocols.includes(passThrough.wireProtocol)) {
    const json = body as Record<string, unknown>;
    const request = passThroughRequest(passThrough, text, json, scope.req.headers, call);
    call.params.passThrough = refused === undefined ? request : { ...request, untranslatable: refused };
  }
  context.budgets?.enforce(client, chain.label);
  // The prompt is charged now (estimated); the answer's tokens once they are known.
  // A key without limits (or no key) has nothing to wait for: no promise, no microtask on the hot path.
  if (client?.limits) await enforceRequestLimits(context.rateLimitStore, client, call.estimatedInputTokens);
  cancelWithClient(scope);
  call.settings.signal = scope.abort.signal;
  if (call.stream) await runStream(scope, call, chain);
  else await runWhole(scope, call, chain);
}

/**
 * A request with a field no other protocol carries can still go as it is to models of its own protocol:
 * when the chain has one, the others refuse their attempt naming the field (see `PassThroughRequest`);
 * when it has none, the request is refused at once, naming the field and the first model.
 */
function untranslatable(
  call: ChatCall,
  chain: Chain,
  passThrough: PassThroughProtocol | undefined,
): string | undefined {
  const field = call.untranslatable?.[0];
  if (field === undefined) return undefined;
  const named = `${field.param} (${field.what})`;
  const passes =
    passThrough !== undefined && chain.passThrough && chain.wireProtocols.includes(passThrough.wireProtocol);
  if (passes) return named;
  throw new GatewayError(
    400,
    'invalid_request',
    `${named} has no equivalent on ${chain.modelIds[0]}, which this request is routed to; remove it, or route the request to models of the protocol it is written in.`,
    { param: field.param },
  );
}

/** What routing rules read of a parsed call: both protocols put thinking and the estimate in the same place. */
function chatTraits(call: ChatCall): RequestTraits {
  return {
    thinking: call.settings.thinking !== undefined && call.settings.thinking !== false,
    inputTokens: () => call.estimatedInputTokens,
  };
}

/**
 * A client that disconnects cancels the upstream call, down to its socket; a shutdown past its drain
 * timeout cancels it too, and the client is told.
 */
function cancelWithClient(scope: ChatScope): void {
  const { res, context, abort } = scope;
  context.inFlight.track(abort);
  res.on('close', () => {
    context.inFlight.untrack(abort);
    if (!res.writableFinished) abort.abort(CLIENT_DISCONNECTED);
  });
}

async function runWhole(scope: ChatScope, call: ChatCall, chain: Chain): Promise<void> {
  const { res, context, record } = scope;
  let response: ModelResponse;
  try {
    response = await chain.model.request(call.messages, call.settings, call.params);
  } catch (error) {
    if (clientDisconnected(scope.abort.signal)) return closedByClient(record);
    throw recordedFailure(record, error, chain.modelIds);
  }
  const usage = priced(response, context.registry);
  // A passed-through answer keeps the upstream's id, so the id the client reads is the one recorded.
  const served = servedModel(scope.protocol, response, response.raw && response.providerResponseId);
  finishRecord(record, served, response, usage);
  const passThrough = scope.protocol.passThrough;
  const text =
    response.raw !== undefined && passThrough
      ? passThrough.answer(withUsageCost(response.raw, passThrough.usageKey, usage.cost), served)
      : scope.protocol.render({ ...response, usage }, served, call);
  const headers = attemptHeaders(scope.baseHeaders, chain, served.modelId, response.attempts ?? []);
  if (record.insured) headers[ZERO_COMPLETION_HEADER] = 'applied';
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(200, headers);
  res.end(text);
  chargeAnswer(scope, usage);
}

async function runStream(scope: ChatScope, call: ChatCall, chain: Chain): Promise<void> {
  const { res, context, record } = scope;
  const signal = scope.abort.signal;
  let stream: StreamedResponse;
  let iterator: AsyncIterator<ModelResponseStreamEvent>;
  let first: IteratorResult<ModelResponseStreamEvent>;
  // Until the first event nothing is sent: any failure is still a plain JSON error.
  try {
    stream = await chain.model.requestStream(call.messages, call.settings, call.params);
    iterator = stream[Symbol.asyncIterator]();
    first = await iterator.next();
  } catch (error) {
    if (clientDisconnected(signal)) return closedByClient(record);
    throw recordedFailure(record, error, chain.modelIds);
  }
  const sofar = stream.get();
  const passedThrough = first.done ? sofar.raw !== undefined : first.value.raw !== undefined;
  const served = servedModel(scope.protocol, stream, passedThrough ? sofar.providerResponseId : undefined);
  const attempts = sofar.attempts ?? [];
  const writer = streamWriterFor(scope.protocol, served, call, passedThrough);
  const headers = attemptHeaders(scope.baseHeaders, chain, served.modelId, attempts);
  headers['content-type'] = writer.contentType ?? 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  res.writeHead(200, headers);
  record.timeToFirstTokenMs = performance.now() - scope.startedAt;
  record.servedModel = served.modelId;
  record.responseId = served.responseId;
  res.write(first.done ? writer.start(stream.usage) : writer.start(stream.usage) + writer.event(first.value));
  const batch = new EventBatch(res);
  try {
    if (!first.done) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        batch.add(writer.event(next.value));
        const backpressure = batch.backpressure(signal);
        if (backpressure) await backpressure;
      }
    }
  } catch (error) {
    const final = stream.get();
    if (clientDisconnected(signal)) {
      closedByClient(record);
      finishRecord(record, served, final, priced(final, context.registry), attempts);
      return;
    }
    const failure = toGatewayError(error, chain.modelIds);
    record.errorKind = failure.attempts?.at(-1)?.kind ?? kindOf(error);
    finishRecord(record, served, final, priced(final, context.registry), attempts);
    res.end(batch.take() + writer.error(failure));
    return;
  }
  const final = stream.get();
  const usage = priced(final, context.registry);
  finishRecord(record, served, final, usage, attempts);
  res.end(batch.take() + writer.finish({ ...final, usage }));
  chargeAnswer(scope, usage);
}

/** The answer's tokens charged to the key's per-minute limit, when it has one; never awaited. */
function chargeAnswer(scope: ChatScope, usage: RequestUsage): void {
  if (scope.client?.limits?.tokensPerMinute === undefined) return;
  void chargeOutputTokens(scope.context.rateLimitStore, scope.client, usage.outputTokens).catch(() => {});
}

/**
 * A UserError from a model call is the gateway's own configuration at fault (an upstream key variable
 * not set): not the client's mistake, so a 502 rather than the 400 a UserError means elsewhere.
 */
function upstreamFailure(error: unknown, modelIds: readonly string[]): GatewayError {
  if (error instanceof UserError) {
    return new GatewayError(
      502,
      'upstream_failed',
      `The gateway cannot call this model: ${scrubSecrets(error.message)}`,
    );
  }
  return toGatewayError(error, modelIds);
}

/**
 * The committed attempt passed the client's request through when its events carry the upstream's frames:
 * then the frames are written as they came; otherwise the protocol's writer re-encodes the events.
 */
function streamWriterFor(
  protocol: ChatProtocol,
  served: ServedModel,
  call: ChatCall,
  passedThrough: boolean,
): StreamWriter {
  const passThrough = protocol.passThrough;
  if (!passThrough || !passedThrough) return protocol.streamWriter(served, call);
  return new PassThroughStreamWriter(passThrough, served, call, protocol.streamWriter(served, call));
}

/**
 * The failure to send, with the attempts it made kept in the record for the request log: the error's own
 * when it carries them, else one per model that failed, as the error summarizes them (without timing).
 */
function recordedFailure(record: RequestFinished, error: unknown, modelIds: readonly string[]): GatewayError {
  const failure = upstreamFailure(error, modelIds);
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  if (Array.isArray(attempts)) record.attempts = attempts as Attempt[];
  else if (failure.attempts) {
    const now = Date.now();
    record.attempts = failure.attempts.map((summary): Attempt => {
      const colon = summary.model.indexOf(':');
      const attempt: Attempt = {
        providerName: colon === -1 ? '' : summary.model.slice(0, colon),
        modelName: summary.model.slice(colon + 1),
        outcome: 'error',
        errorKind: summary.kind,
        startedAt: now,
        durationMs: 0,
      };
      if (summary.status !== undefined) attempt.statusCode = summary.status;
      return attempt;
    });
  }
  return failure;
}

function kindOf(error: unknown): string {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : 'stream_error';
}

function closedByClient(record: RequestFinished): void {
  record.status = 499;
  record.errorKind = 'cancelled';
}

/**
 * Who answered (a whole response, or a stream once open) under the id the client's protocol gives it:
 * the upstream's own when its answer is passed through as written, else a new one.
 */
function servedModel(
  protocol: ChatProtocol,
  answer: { readonly providerName: string; readonly modelName: string },
  upstreamId: string | undefined,
): ServedModel {
  return {
    modelId: `${answer.providerName}:${answer.modelName}`,
    responseId: upstreamId ?? protocol.newResponseId(),
    created: Math.floor(Date.now() / 1000),
  };
}

/** Usage with its cost: the FallbackModel's, or priced here by the configured provider's type. */
function priced(response: ModelResponse, registry: ModelRegistry): RequestUsage {
  if (response.usage.cost !== undefined) return response.usage;
  const cost = priceOf(registry.priceProviderOf(response.providerName), response.modelName, response.usage);
  return cost === undefined ? response.usage : { ...response.usage, cost };
}

/**
 * Sent as `applied` when zero-completion insurance waived the charge (OpenRouter's rule): an answer with
 * no completion tokens that ended in an error or with no finish reason costs the client nothing.
 */
export const ZERO_COMPLETION_HEADER = 'x-understudy-zero-completion-insurance';

function finishRecord(
  record: RequestFinished,
  served: ServedModel,
  response: ModelResponse,
  usage: RequestUsage,
  attemptsAtCommit: Attempt[] = [],
): void {
  record.servedModel = served.modelId;
  record.responseId = served.responseId;
  record.attempts = response.attempts ?? attemptsAtCommit;
  record.usage = usage;
  record.finishReason = response.finishReason;
  const ended = response.finishReason !== undefined && response.finishReason !== 'error';
  record.insured = usage.outputTokens === 0 && (!ended || record.errorKind !== undefined);
  record.cost = record.insured ? 0 : usage.cost;
}
