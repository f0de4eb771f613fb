/**
 * One request as the gateway's request path sees it, built once by the handler and passed down whole,
 * so no function on the hot path takes the request's facts one by one (and none can take them in the
 * wrong order). It is a plain object of fixed shape: every field is set when it is built, and the few
 * learnt later (the client) are filled in place — no copies, no closures.
 */
import type { ClientIdentity } from '../auth/client-keys.ts';
import type { RequestFinished } from '../events.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import type { ClientApi } from './client-api.ts';
import type { GatewayContext } from './context.ts';
import type { GatewayRequest, GatewayResponse } from './http-types.ts';

/** What every route is given: the request, its response, and what the handler learnt of it on arrival. */
export interface RequestScope {
  readonly req: GatewayRequest;
  readonly res: GatewayResponse;
  /** The context the request started with; a reload mid-request does not change it. */
  readonly context: GatewayContext;
  readonly method: string;
  /** The URL's path, without its query. */
  readonly path: string;
  /** The protocol of a chat route; undefined on any other route. */
  readonly protocol: ChatProtocol | undefined;
  /**
   * The protocol the client speaks, whose shapes its answer and errors take: a chat route's own, Anthropic's
   * on `/v1/messages/count_tokens`, else what the request's headers say (see client-api.ts).
   */
  readonly api: ClientApi;
  /** What `request-finished` reports: present for a POST to a chat route, whatever its outcome. */
  readonly record: RequestFinished | undefined;
  /** Sent with every response (CORS), whatever it is. */
  readonly baseHeaders: Readonly<Record<string, string>>;
  /** `performance.now()` when the handler took the request: latency and time to first token count from it. */
  readonly startedAt: number;
  /** The authenticated key, once the route has checked it; undefined for an open gateway. */
  client: ClientIdentity | undefined;
  /**
   * Cancels the upstream call when the client goes away or a shutdown gives up waiting: present with
   * `record`, armed by the chat pipeline once the call is about to start.
   */
  readonly abort: AbortController | undefined;
}

/** A request to a chat route with the method it takes: the one kind the chat pipeline serves. */
export interface ChatScope extends RequestScope {
  readonly protocol: ChatProtocol;
  readonly record: RequestFinished;
  readonly abort: AbortController;
}

/** Narrows a scope to a chat request: the handler's 405 for any other method on a chat route hangs on it. */
export function isChatScope(scope: RequestScope): scope is ChatScope {
  return scope.protocol !== undefined && scope.record !== undefined && scope.abort !== undefined;
}
