/**
 * Drives a gateway handler in-process, without a socket: the request body is given as text, and the
 * response is collected (status, headers, body text). A test can also disconnect the client mid-stream
 * to check that the upstream call is cancelled.
 *
 * @example
 * const res = await inject(handler, { method: 'POST', url: '/v1/chat/completions', body: { model: 'test', messages } });
 * expect(res.status).toBe(200);
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { GatewayRequest, GatewayResponse } from './http-types.ts';

export interface InjectOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** Called with each written chunk; return true to disconnect the client right after it. */
  onChunk?: (chunk: string) => boolean | undefined;
}

export interface InjectedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the client disconnected before the response ended. */
  disconnected: boolean;
  json(): unknown;
}

type Handler = (req: GatewayRequest, res: GatewayResponse) => Promise<void>;

export async function inject(handler: Handler, options: InjectOptions): Promise<InjectedResponse> {
  const text =
    options.body === undefined
      ? ''
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  // What a local client sends; a test of the Host check or the Content-Type check overrides them.
  const headers: IncomingHttpHeaders = { host: 'localhost', 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (text !== '') headers['content-length'] = String(Buffer.byteLength(text));
  const req: GatewayRequest = {
    method: options.method ?? (text === '' ? 'GET' : 'POST'),
    url: options.url,
    headers,
    async *[Symbol.asyncIterator]() {
      if (text !== '') yield Buffer.from(text);
    },
  };
  const res = new InMemoryResponse(options.onChunk);
  await handler(req, res);
  await res.finished;
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body,
    disconnected: res.disconnected,
    json: () => JSON.parse(res.body),
  };
}

class InMemoryResponse implements GatewayResponse {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  // Writes go to memory: the buffer is never full.
  readonly writableNeedDrain = false;
  disconnected = false;
  headers: Record<string, string> = {};
  body = '';
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly closeListeners: Array<() => void> = [];
  private readonly onChunk: InjectOptions['onChunk'];

  constructor(onChunk: InjectOptions['onChunk']) {
    this.onChunk = onChunk;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  writeHead(status: number, headers: OutgoingHttpHeaders = {}): this {
    if (this.headersSent) throw new Error('writeHead called twice');
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined)
        this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    this.headersSent = true;
    return this;
  }

  write(chunk: string): boolean {
    if (this.disconnected) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.body += chunk;
    if (this.onChunk?.(chunk)) this.disconnect();
    return true;
  }

  end(chunk?: string): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined && !this.disconnected) this.write(chunk);
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    this.writableFinished = !this.disconnected;
    if (!this.disconnected) this.emitClose();
    return this;
  }

  on(_event: 'close', listener: () => void): this {
    this.closeListeners.push(listener);
    return this;
  }

  once(_event: 'drain', listener: () => void): this {
    queueMicrotask(listener);
    return this;
  }

  off(_event: 'drain', _listener: () => void): this {
    return this;
  }

  private disconnect(): void {
    this.disconnected = true;
    this.emitClose();
  }

  private emitClose(): void {
    for (const listener of this.closeListeners.splice(0)) listener();
    this.resolveFinished();
  }
}
