/**
 * The upstream HTTP client every adapter uses: undici with a keep-alive connection pool per origin,
 * per-call deadlines, and the caller's AbortSignal honoured down to the socket. All transport failures
 * are mapped to typed errors here, once, so adapters only map what the provider said.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { lowerCaseKeys, ModelAPIError, ModelHTTPError } from '../core/errors/index.ts';

export interface HttpTimeouts {
  /** To open the TCP (and TLS) connection. Default 10 s. */
  connectMs?: number;
  /** From sending the request to the response headers. Default 10 minutes (long answers are slow). */
  firstByteMs?: number;
  /** The longest silence between two chunks of the body. Default 5 minutes. */
  idleMs?: number;
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** JSON text; the adapter serializes once. */
  body: string;
  modelName: string;
  signal?: AbortSignal | undefined;
  timeouts?: HttpTimeouts | undefined;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
}

const DEFAULT_CONNECT_MS = 10_000;
const DEFAULT_FIRST_BYTE_MS = 600_000;
const DEFAULT_IDLE_MS = 300_000;

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
    agent = new Agent(options);
    agents.set(connectMs, agent);
  }
  return agent;
}

/**
 * Caps the connections to each upstream origin (undefined: no cap, the default). Requests beyond the cap
 * wait for a free connection. Applies to pools made after the call; existing ones are closed.
 *
 * @example
 * await setUpstreamConnectionLimit(512); // at most 512 sockets to api.openai.com, and to each other host
 */
export async function setUpstreamConnectionLimit(limit: number | undefined): Promise<void> {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`connection limit must be a positive integer, got ${limit}`);
  }
  connectionLimit = limit;
  await closeUpstreamConnections();
}

/** Closes every pooled upstream connection (tests and graceful shutdown). */
export async function closeUpstreamConnections(): Promise<void> {
  const closing = [...agents.values()].map((agent) => agent.close());
  agents.clear();
  await Promise.all(closing);
}

/**
 * POSTs JSON upstream. Resolves with the response once headers arrive and the status is below 400.
 * Rejects with `ModelHTTPError` for a status of 400 or more (body read and parsed), `ModelAPIError` for a
 * transport failure (kind `network` or `timeout`), or the signal's reason when the caller aborted — an
 * abort is the caller's decision, never a provider failure.
 */
export async function postJson(req: UpstreamRequest): Promise<UpstreamResponse> {
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

/** Reads a whole response body as text, mapping a broken connection or an idle timeout to a typed error. */
export async function readBodyText(
  res: UpstreamResponse,
  modelName: string,
  signal?: AbortSignal,
): Promise<string> {
  try {
    return await res.body.text();
  } catch (error) {
    throw transportError(error, modelName, signal);
  }
}

/**
 * A whole upstream answer: its status (below 400), lower-cased headers and body text.
 *
 * @example
 * const { text, headers } = await postJsonForText({ url, headers, body, modelName: 'gpt-4o', signal });
 */
export interface UpstreamText {
  statusCode: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * `postJson` and `readBodyText` in one step, for answers read whole: it fails the same ways, but hands
 * undici a handler that gathers the body's chunks, instead of going through `request()`, whose body is a
 * Readable stream (with an async resource, a promise per read and a consumer to read it back out). On
 * the gateway's hot path that machinery cost more than the rest of the upstream call together.
 *
 * @example
 * const { text } = await postJsonForText({ url, headers, body: JSON.stringify(body), modelName: 'gpt-4o' });
 */
export function postJsonForText(req: UpstreamRequest): Promise<UpstreamText> {
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

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Maps anything undici or the socket threw to a typed error. Exported for the adapters' stream readers,
 * which meet the same failures while iterating a body.
 */
export function transportError(error: unknown, modelName: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof ModelAPIError) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ModelAPIError(modelName, `upstream timed out (${code}): ${message}`, {
      kind: 'timeout',
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    // Aborted by something other than the caller's signal (a deadline of ours): a timeout.
    return new ModelAPIError(modelName, `upstream call aborted: ${message}`, {
      kind: 'timeout',
      cause: error,
    });
  }
  return new ModelAPIError(
    modelName,
    `connection to upstream failed${code ? ` (${code})` : ''}: ${message}`,
    {
      kind: 'network',
      cause: error,
    },
  );
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
