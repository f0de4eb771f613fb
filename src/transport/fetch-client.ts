/**
 * The transport of every runtime that has `fetch` and web streams (Bun, Deno, Workers, browsers, and
 * Node before 22.19, where undici 8 cannot load). It keeps the undici transport's contract: a first-byte
 * deadline, an idle deadline between chunks, the caller's abort closing the connection, bodies streamed
 * as they arrive, and every failure mapped by the same `transportError`.
 */
import { ModelHTTPError } from '../core/errors/index.ts';
import {
  checkConnectionLimit,
  DEFAULT_FIRST_BYTE_MS,
  DEFAULT_IDLE_MS,
  parseBody,
  type Transport,
  transportError,
  type UpstreamBody,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamText,
} from './upstream.ts';

/**
 * One fetch: its own controller (the caller's abort and our deadlines both abort it, and aborting it is
 * what closes the connection under a fetch) and the one timer that guards it, first for the headers,
 * then for each silence of the body.
 */
class FetchCall {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleMs: number;
  private readonly caller: AbortSignal | undefined;
  // One timer per silence, not a clearTimeout and setTimeout per chunk: a chunk only notes its time.
  private lastChunkAt = 0;
  private readonly modelName: string;

  constructor(req: UpstreamRequest) {
    this.modelName = req.modelName;
    const timeouts = req.timeouts ?? {};
    this.idleMs = timeouts.idleMs ?? DEFAULT_IDLE_MS;
    this.caller = req.signal;
    if (this.caller) this.caller.addEventListener('abort', this.onCallerAbort, { once: true });
    // The connection opening is inside this deadline too: fetch never says when it has opened.
    const firstByteMs = timeouts.firstByteMs ?? DEFAULT_FIRST_BYTE_MS;
    this.arm(firstByteMs, false, `no response headers within ${firstByteMs} ms`);
  }

  private readonly onCallerAbort = (): void => this.controller.abort(this.caller?.reason);

  // `idle` re-arms for what is left of the silence when a chunk came since the timer was set.
  private arm(ms: number, idle: boolean, message: string): void {
    this.timer = setTimeout(() => {
      const left = this.lastChunkAt + this.idleMs - Date.now();
      if (idle && left > 0) return this.arm(left, idle, message);
      this.controller.abort(new DOMException(message, 'TimeoutError'));
    }, ms);
    (this.timer as { unref?: () => void }).unref?.();
  }

  headersArrived(): void {
    clearTimeout(this.timer);
    this.lastChunkAt = Date.now();
    this.arm(this.idleMs, true, `no body data for ${this.idleMs} ms`);
  }

  chunkArrived(): void {
    this.lastChunkAt = Date.now();
  }

  /** Maps what the fetch or a read threw: the caller's reason, our deadline as `timeout`, or `network`. */
  failure(error: unknown): unknown {
    if (this.caller?.aborted) return this.caller.reason;
    const reason = this.controller.signal.aborted ? this.controller.signal.reason : error;
    return transportError(reason, this.modelName);
  }

  end(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** A fetch response's body as an `UpstreamBody`, read through its reader (iterating a ReadableStream
 * directly is missing in some browsers). */
class FetchBody implements UpstreamBody {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private readonly stream: ReadableStream<Uint8Array> | null;
  private readonly call: FetchCall;

  constructor(stream: ReadableStream<Uint8Array> | null, call: FetchCall) {
    this.stream = stream;
    this.call = call;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (!this.stream) return this.call.end();
    const reader = this.stream.getReader();
    this.reader = reader;
    let done = false;
    try {
      for (;;) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (error) {
          throw this.call.failure(error);
        }
        if (step.done) {
          done = true;
          return;
        }
        this.call.chunkArrived();
        yield step.value;
      }
    } finally {
      this.call.end();
      // Left early (a `break`, an error downstream): close the connection rather than drain it.
      if (!done) this.destroy();
    }
  }

  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of this) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }

  destroy(): void {
    this.call.end();
    this.call.controller.abort(new DOMException('body closed by its reader', 'AbortError'));
    // A reader that stopped reading may still hold the stream; cancelling releases the connection.
    void (this.reader ?? this.stream)?.cancel().catch(() => {});
  }
}

async function postJson(req: UpstreamRequest): Promise<UpstreamResponse> {
  const call = new FetchCall(req);
  let response: Response;
  try {
    req.signal?.throwIfAborted();
    response = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: call.controller.signal,
    });
  } catch (error) {
    call.end();
    throw call.failure(error);
  }
  call.headersArrived();
  const headers = headersOf(response.headers);
  const body = new FetchBody(response.body, call);
  if (response.status >= 400) {
    throw new ModelHTTPError(response.status, req.modelName, parseBody(await body.text()), headers);
  }
  return { statusCode: response.status, headers, body };
}

async function postJsonForText(req: UpstreamRequest): Promise<UpstreamText> {
  const { statusCode, headers, body } = await postJson(req);
  return { statusCode, headers, text: await body.text() };
}

async function readBodyText(res: UpstreamResponse, modelName: string, signal?: AbortSignal): Promise<string> {
  try {
    return await res.body.text();
  } catch (error) {
    throw transportError(error, modelName, signal);
  }
}

// A fetch Headers object has lower-cased the names and joined a repeated header with ", ", except
// `set-cookie`, which it hands over once per value: joined here as undici's transport joins it.
function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const before = out[name];
    out[name] = before === undefined ? value : `${before}, ${value}`;
  });
  return out;
}

async function setUpstreamConnectionLimit(limit: number | undefined): Promise<void> {
  checkConnectionLimit(limit);
}

async function closeUpstreamConnections(): Promise<void> {}

/**
 * The fetch transport; the package's `#transport` import resolves to this module on every runtime but
 * Node, so its functions are exported one by one as the seam's contract names them.
 *
 * @example
 * const { text } = await fetchTransport.postJsonForText({ url, headers, body, modelName: 'gpt-4o' });
 */
export const fetchTransport: Transport = {
  postJson,
  postJsonForText,
  readBodyText,
  setUpstreamConnectionLimit,
  closeUpstreamConnections,
};

export { closeUpstreamConnections, postJson, postJsonForText, readBodyText, setUpstreamConnectionLimit };
