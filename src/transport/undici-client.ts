/**
 * Node's fast path among the transports: undici with a keep-alive connection pool per origin, a real
 * connect timeout, per-call deadlines, and the caller's AbortSignal honoured down to the socket. undici
 * is handed in by `node-client.ts` (it loads only where it runs), so this file imports its types alone.
 */
import type * as UndiciModule from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { lowerCaseKeys, ModelHTTPError } from '../core/errors/index.ts';
import {
  checkConnectionLimit,
  DEFAULT_CONNECT_MS,
  DEFAULT_FIRST_BYTE_MS,
  DEFAULT_IDLE_MS,
  parseBody,
  type Transport,
  transportError,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamText,
} from './upstream.ts';

/** What this transport takes from the `undici` package. */
export type Undici = Pick<typeof UndiciModule, 'Agent' | 'request'>;

/**
 * The undici transport over the given `undici` module.
 *
 * @example
 * const transport = undiciTransport(createRequire(import.meta.url)('undici'));
 */
export function undiciTransport(undici: Undici): Transport {
  Pool = undici.Agent;
  request = undici.request;
  return { postJson, postJsonForText, readBodyText, setUpstreamConnectionLimit, closeUpstreamConnections };
}

// Set once by undiciTransport, before any call.
let Pool: typeof Agent;
let request: Undici['request'];

// One pool per connect timeout; undici keeps a keep-alive pool per origin inside each Agent.
const agents = new Map<number, Agent>();
// No cap by default, as node's own http agent: a gateway holding thousands of open streams needs a
// connection each, and a cap would queue the rest inside undici where no deadline of ours sees them.
let connectionLimit: number | undefined;

function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    const options: Agent.Options = { connect: { timeout: connectMs }, keepAliveTimeout: 30_000 };
    if (connectionLimit !== undefined) options.connections = connectionLimit;
    agent = new Pool(options);
    agents.set(connectMs, agent);
  }
  return agent;
}

async function setUpstreamConnectionLimit(limit: number | undefined): Promise<void> {
  checkConnectionLimit(limit);
  connectionLimit = limit;
  await closeUpstreamConnections();
}

async function closeUpstreamConnections(): Promise<void> {
  const closing = [...agents.values()].map((agent) => agent.close());
  agents.clear();
  await Promise.all(closing);
}

async function postJson(req: UpstreamRequest): Promise<UpstreamResponse> {
  const timeouts = req.timeouts ?? {};
  let response: Dispatcher.ResponseData;
  try {
    response = await request(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      dispatcher: agentFor(timeouts.connectMs ?? DEFAULT_CONNECT_MS),
      headersTimeout: timeouts.firstByteMs ?? DEFAULT_FIRST_BYTE_MS,
      bodyTimeout: timeouts.idleMs ?? DEFAULT_IDLE_MS,
    });
  } catch (error) {
    throw transportError(error, req.modelName, req.signal);
  }
  const headers = lowerCaseKeys(response.headers);
  if (response.statusCode >= 400) {
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw transportError(error, req.modelName, req.signal);
    }
    throw new ModelHTTPError(response.statusCode, req.modelName, parseBody(text), headers);
  }
  return { statusCode: response.statusCode, headers, body: response.body };
}

async function readBodyText(res: UpstreamResponse, modelName: string, signal?: AbortSignal): Promise<string> {
  try {
    return await res.body.text();
  } catch (error) {
    throw transportError(error, modelName, signal);
  }
}

// `postJson` and `readBodyText` in one step: it hands undici a handler that gathers the body's chunks,
// instead of going through `request()`, whose body is a Readable stream (with an async resource, a
// promise per read and a consumer to read it back out). On the gateway's hot path that machinery cost
// more than the rest of the upstream call together.
function postJsonForText(req: UpstreamRequest): Promise<UpstreamText> {
  return new Promise<UpstreamText>((resolve, reject) => {
    const signal = req.signal;
    if (signal?.aborted) return reject(transportError(signal.reason, req.modelName, signal));
    const timeouts = req.timeouts ?? {};
    const slash = req.url.indexOf('/', req.url.indexOf('//') + 2);
    const handler = new TextAnswerHandler(req.modelName, signal, resolve, reject);
    agentFor(timeouts.connectMs ?? DEFAULT_CONNECT_MS).dispatch(
      {
        origin: slash === -1 ? req.url : req.url.slice(0, slash),
        path: slash === -1 ? '/' : req.url.slice(slash),
        method: 'POST',
        headers: req.headers,
        body: req.body,
        headersTimeout: timeouts.firstByteMs ?? DEFAULT_FIRST_BYTE_MS,
        bodyTimeout: timeouts.idleMs ?? DEFAULT_IDLE_MS,
      },
      handler,
    );
  });
}

/** Collects one answer for `postJsonForText`; settles its promise exactly once. */
class TextAnswerHandler implements Dispatcher.DispatchHandler {
  private readonly modelName: string;
  private readonly signal: AbortSignal | undefined;
  private readonly resolve: (answer: UpstreamText) => void;
  private readonly reject: (error: unknown) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private statusCode = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private settled = false;

  constructor(
    modelName: string,
    signal: AbortSignal | undefined,
    resolve: (answer: UpstreamText) => void,
    reject: (error: unknown) => void,
  ) {
    this.modelName = modelName;
    this.signal = signal;
    this.resolve = resolve;
    this.reject = reject;
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  // The caller's abort closes the upstream connection; undici then reports it through onResponseError.
  private readonly onAbort = (): void => {
    this.controller?.abort(this.signal?.reason);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) controller.abort(this.signal.reason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // an informational answer (100 Continue): the real one follows
    this.statusCode = statusCode;
    // undici has lower-cased the names already; only repeated headers need joining.
    for (const name in headers) {
      const value = headers[name];
      if (typeof value !== 'string') {
        this.headers = lowerCaseKeys(headers);
        return;
      }
    }
    this.headers = headers as Record<string, string>;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    const chunks = this.chunks;
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
    if (this.statusCode >= 400) {
      this.reject(new ModelHTTPError(this.statusCode, this.modelName, parseBody(text), this.headers));
    } else {
      this.resolve({ statusCode: this.statusCode, headers: this.headers, text });
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.reject(transportError(error, this.modelName, this.signal));
  }
}
