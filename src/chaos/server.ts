/**
 * The chaos upstream: a raw `node:http` server speaking one provider's protocol and failing on command.
 * Raw `node:http` because it is the upstream of every benchmark: the valid, unfaulted path parses the
 * body once, does no schema validation and serializes the answer once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyFingerprint } from '../transport/key-fingerprint.ts';
import { buildAnswer, restrictAnswer } from './answers.ts';
import { deliver, Pending, sendReply } from './delivery.ts';
import { type FaultPlan, FaultSpecError } from './fault-spec.ts';
import { FaultSelector } from './faults.ts';
import { anthropicProtocol } from './protocols/anthropic.ts';
import { bedrockProtocol } from './protocols/bedrock.ts';
import { geminiProtocol } from './protocols/gemini.ts';
import { openaiProtocol } from './protocols/openai.ts';
import { openaiResponsesProtocol } from './protocols/openai-responses.ts';
import type { ChaosProtocol, ChaosRequest, ProtocolEmulator } from './protocols/protocol.ts';
import { requestApiKey } from './request-key.ts';
import { parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';

const PROTOCOLS: Record<ChaosProtocol, ProtocolEmulator> = {
  openai: openaiProtocol,
  'openai-responses': openaiResponsesProtocol,
  anthropic: anthropicProtocol,
  gemini: geminiProtocol,
  bedrock: bedrockProtocol,
};

// Anthropic's request limit, and the gateway's default: anything the gateway accepts reaches an emulator whole.
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const DEFAULT_HANG_CAP_MS = 5 * 60_000;

/** What the server saw, for demos and assertions. */
export interface ChaosStats {
  /** Requests received (including those refused at connection). */
  requests: number;
  /** Requests answered normally (no ending fault; pacing allowed). */
  answered: number;
  /** Faults injected, by kind: `status:503`, `reset`, `cut-after`, `slow-first-token`... */
  faults: Record<string, number>;
  /** Requests per model name. */
  models: Record<string, number>;
  /** Requests per API key, by the key's fingerprint (see keyFingerprint): which key of a pool was used. */
  keys: Record<string, number>;
}

/** Passed to `onRequest` once the request is parsed and its fault chosen. */
export interface ChaosRequestEvent {
  protocol: ChaosProtocol;
  model: string;
  stream: boolean;
  /** The fault spec applied (its canonical text), or undefined for a normal answer. */
  fault: string | undefined;
}

/** Options of `startChaosServer`. */
export interface ChaosServerOptions {
  protocol: ChaosProtocol;
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** A validated scenario or the raw object (validated here). Default: always answer, no faults. */
  scenario?: Scenario | ScenarioInput;
  /** Called for every parsed request with the fault chosen for it (the live demo's feed). */
  onRequest?: (event: ChaosRequestEvent) => void;
  /** The clock of scheduled outages (ms); default `Date.now`. */
  now?: () => number;
  /** How long a `hang` or `stall-after` holds a socket before destroying it. Default 5 minutes. */
  hangCapMs?: number;
}

/** A running chaos upstream. */
export interface ChaosServer {
  /**
   * The base URL the provider's official SDK takes, and so what `inferModel`'s `baseUrl` and the
   * `*_BASE_URL` variables take: `http://127.0.0.1:PORT/v1` for openai and openai-responses
   * (`new OpenAI({ baseURL })`), the bare origin for anthropic (`new Anthropic({ baseURL })`), gemini
   * (`@google/genai`'s `httpOptions.baseUrl`) and bedrock (the AWS SDK's `endpoint`).
   */
  url: string;
  port: number;
  protocol: ChaosProtocol;
  stats: ChaosStats;
  /** Stops listening, ends every open and hung connection, clears every timer. */
  close(): Promise<void>;
}

/**
 * Starts a chaos upstream. Faults come from the scenario and from each request's `x-chaos` header.
 *
 * Refusing connections: the `refuse` fault, set server-wide (fixed or as a scheduled outage), resets
 * every new connection before it sends a byte; chosen per model or per header it resets the connection
 * once the request is read. For a truly refused port (ECONNREFUSED), `close()` the server and keep its
 * `url`.
 *
 * @example
 * const chaos = await startChaosServer({ protocol: 'openai', scenario: { fault: 'status:503' } });
 * const client = new OpenAI({ baseURL: chaos.url, apiKey: 'test', maxRetries: 0 });
 * await chaos.close();
 */
export async function startChaosServer(options: ChaosServerOptions): Promise<ChaosServer> {
  const protocol = PROTOCOLS[options.protocol];
  if (!protocol)
    throw new Error(`unknown chaos protocol '${options.protocol}'; use ${Object.keys(PROTOCOLS).join(', ')}`);
  const scenario = parseScenario(options.scenario);
  const selector = new FaultSelector(scenario, options.now ? { now: options.now } : {});
  const pending = new Pending(options.hangCapMs ?? DEFAULT_HANG_CAP_MS);
  const stats: ChaosStats = { requests: 0, answered: 0, faults: {}, models: {}, keys: {} };
  const context: RequestContext = {
    protocol,
    scenario,
    selector,
    pending,
    stats,
    onRequest: options.onRequest,
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => handleRequest(context, req, res));
  server.on('connection', (socket) => {
    const plan = selector.atConnection();
    if (plan) {
      stats.requests++;
      countFault(stats, plan);
      socket.resetAndDestroy();
    }
  });
  // A client that resets mid-request is the normal case here, not a server error.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${protocol.sdkBasePath}`,
    port: address.port,
    protocol: options.protocol,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface RequestContext {
  protocol: ProtocolEmulator;
  scenario: Scenario;
  selector: FaultSelector;
  pending: Pending;
  stats: ChaosStats;
  onRequest: ((event: ChaosRequestEvent) => void) | undefined;
}

function handleRequest(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.stats.requests++;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const route = ctx.protocol.route(req.method ?? 'GET', path, q === -1 ? '' : url.slice(q + 1));
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (route.kind === 'reply') return sendReply(res, route);
    if (size > MAX_BODY_BYTES) return sendReply(res, ctx.protocol.badFaultReply('request body too large'));
    const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
    const parsed = ctx.protocol.parse(text, route, req.headers);
    if (parsed.kind === 'reply') return sendReply(res, parsed);
    respond(ctx, req, res, parsed).catch(() => res.destroy());
  });
}

async function respond(
  ctx: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: ChaosRequest,
): Promise<void> {
  const { stats, selector, protocol } = ctx;
  stats.models[request.model] = (stats.models[request.model] ?? 0) + 1;
  const apiKey = requestApiKey(req.headers);
  if (apiKey !== undefined) {
    const fingerprint = keyFingerprint(apiKey);
    stats.keys[fingerprint] = (stats.keys[fingerprint] ?? 0) + 1;
  }
  const header = req.headers['x-chaos'];
  let plan: FaultPlan | undefined;
  try {
    plan = selector.choose(request.model, typeof header === 'string' ? header : undefined, apiKey);
  } catch (error) {
    if (error instanceof FaultSpecError) return sendReply(res, protocol.badFaultReply(error.message));
    throw error;
  }
  ctx.onRequest?.({
    protocol: protocol.name,
    model: request.model,
    stream: request.stream,
    fault: plan?.label,
  });
  const behaviour = selector.behaviourOf(request.model);
  const firstTokenMs = plan?.firstTokenMs ?? behaviour.firstTokenMs;
  const tokensPerSecond = plan?.tokensPerSecond ?? behaviour.tokensPerSecond;
  const fault = plan?.fault;
  if (plan) countFault(stats, plan);
  else stats.answered++;
  if (!fault && plan) stats.answered++;

  switch (fault?.kind) {
    case 'refuse':
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'hang':
      return ctx.pending.hang(req, res);
    case 'status':
      if (firstTokenMs > 0 && !(await ctx.pending.wait(res, firstTokenMs))) return;
      return sendReply(res, protocol.statusReply(fault, request.model));
  }
  if (request.embedding && protocol.embeddings) {
    if (firstTokenMs > 0 && !(await ctx.pending.wait(res, firstTokenMs))) return;
    const body = protocol.embeddings(request);
    return sendReply(res, { kind: 'reply', status: 200, headers: protocol.jsonHeaders, body });
  }
  let answer = buildAnswer(request, behaviour.answer, ctx.scenario.toolCalls);
  if (fault?.kind === 'empty') answer = restrictAnswer(answer, 'empty');
  else if (fault?.kind === 'content-filter') answer = restrictAnswer(answer, 'content-filter', fault.tokens);
  await deliver({
    req,
    res,
    protocol,
    request,
    answer,
    plan,
    firstTokenMs,
    tokensPerSecond,
    pending: ctx.pending,
  });
}

function countFault(stats: ChaosStats, plan: FaultPlan): void {
  const add = (key: string) => {
    stats.faults[key] = (stats.faults[key] ?? 0) + 1;
  };
  if (plan.fault) add(plan.fault.kind === 'status' ? `status:${plan.fault.status}` : plan.fault.kind);
  if (plan.firstTokenMs !== undefined) add('slow-first-token');
  if (plan.tokensPerSecond !== undefined) add('tokens-per-second');
}
