/**
 * The contract both transports keep (undici on Node, fetch + web streams everywhere else): what an
 * upstream call is given, what it answers, its default deadlines, and the one mapping of whatever a
 * socket or a fetch threw to a typed error. Keeping this in one file is what makes "the same failure
 * gives the same error kind on every runtime" true by construction rather than by care.
 */
import { ModelAPIError } from '../core/errors/index.ts';

export interface HttpTimeouts {
  /**
   * To open the TCP (and TLS) connection. Default 10 s. The fetch transport cannot see the connection
   * open (no runtime's fetch reports it), so there a connection that never opens is caught by
   * `firstByteMs` instead, with the same kind, `timeout`.
   */
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

/**
 * A response body being received: read it chunk by chunk (`for await`), whole (`text()`), or close the
 * connection under it (`destroy()`). Leaving a `for await` early closes it too.
 */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  destroy(): void;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: UpstreamBody;
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
 * One HTTP transport. The library reaches it through the package's `#transport` import, whose export
 * conditions pick undici on Node and fetch elsewhere, so no request asks which runtime it is on.
 */
export interface Transport {
  /**
   * POSTs JSON upstream. Resolves with the response once headers arrive and the status is below 400.
   * Rejects with `ModelHTTPError` for a status of 400 or more (body read and parsed), `ModelAPIError` for
   * a transport failure (kind `network` or `timeout`), or the signal's reason when the caller aborted —
   * an abort is the caller's decision, never a provider failure.
   */
  postJson(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** `postJson` and `readBodyText` in one step, for answers read whole; it fails the same ways. */
  postJsonForText(req: UpstreamRequest): Promise<UpstreamText>;
  /** Reads a whole response body as text, mapping a broken connection or an idle timeout to a typed error. */
  readBodyText(res: UpstreamResponse, modelName: string, signal?: AbortSignal): Promise<string>;
  /**
   * Caps the connections to each upstream origin (undefined: no cap, the default). Requests beyond the
   * cap wait for a free connection. Applies to pools made after the call; existing ones are closed. The
   * fetch transport validates the cap and leaves pooling to the runtime, which owns it there.
   */
  setUpstreamConnectionLimit(limit: number | undefined): Promise<void>;
  /** Closes every pooled upstream connection (tests and graceful shutdown). */
  closeUpstreamConnections(): Promise<void>;
}

export const DEFAULT_CONNECT_MS = 10_000;
export const DEFAULT_FIRST_BYTE_MS = 600_000;
export const DEFAULT_IDLE_MS = 300_000;

/** Throws the `RangeError` both transports give for a connection cap that is not a positive integer. */
export function checkConnectionLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`connection limit must be a positive integer, got ${limit}`);
  }
}

/** An error body as JSON when it parses, as text when it does not (an HTML page from a proxy). */
export function parseBody(text: string): unknown {
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
 * Maps anything undici, a fetch or the socket threw to a typed error. Exported for the adapters' stream
 * readers, which meet the same failures while iterating a body.
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
  if (error instanceof Error && error.name === 'TimeoutError') {
    // One of the fetch transport's deadlines (its message says which).
    return new ModelAPIError(modelName, `upstream timed out: ${message}`, { kind: 'timeout', cause: error });
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
    `connection to upstream failed${code ? ` (${code})` : ''}: ${detail(error, message)}`,
    {
      kind: 'network',
      cause: error,
    },
  );
}

// A fetch says only `fetch failed` (Node) or `terminated`; the reason (`connect ECONNREFUSED ...`) is in
// its cause, and an operator needs it to know what to fix.
function detail(error: unknown, message: string): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof Error && cause.message && !message.includes(cause.message)) {
    return `${message} (${cause.message})`;
  }
  return message;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
