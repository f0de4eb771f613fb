/**
 * The upstream HTTP client every adapter uses: undici with a keep-alive connection pool per origin,
 * per-call deadlines, and the caller's AbortSignal honoured down to the socket. All transport failures
 * are mapped to typed errors here, once, so adapters only map what the provider said.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { lowerCaseKeys, ModelAPIError, ModelHTTPError } from '../errors/index.ts';

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

function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    agent = new Agent({ connect: { timeout: connectMs }, keepAliveTimeout: 30_000, connections: 256 });
    agents.set(connectMs, agent);
  }
  return agent;
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
