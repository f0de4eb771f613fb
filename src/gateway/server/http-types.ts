/**
 * The request and response the gateway's handler works on, written as the few members it uses. Node's
 * `IncomingMessage` and `ServerResponse` satisfy them as they are (no wrapping on the hot path), and
 * `inject()` builds in-memory ones so every route is testable without a socket.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export interface GatewayRequest extends AsyncIterable<Uint8Array | string> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** False while the body is still arriving (node's `IncomingMessage`); absent in memory. */
  readonly complete?: boolean;
}

export interface GatewayResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  /** A write found the socket's buffer full and 'drain' has not come since. */
  readonly writableNeedDrain: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * A route another part of the gateway serves (the status page, /metrics) next to the request path.
 *
 * @example
 * const metricsRoute: ExtraRoute = { method: 'GET', path: '/metrics', handle: (req, res) => res.end(text) };
 */
export interface ExtraRoute {
  method: string;
  path: string;
  handle(req: GatewayRequest, res: GatewayResponse): void | Promise<void>;
}
