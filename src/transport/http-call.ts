/**
 * The one HTTP skeleton of every wire adapter's `request` and `requestStream`: start the call's signal,
 * build the upstream request, post it, read the body or open the stream, map a failure once, and clear
 * the deadline however the call ends. What stays in each adapter is what differs: URL, headers, body and
 * how the answer is parsed.
 */

import type { ModelResponseStreamEvent } from '../core/messages.ts';
import type { StreamedResponse } from '../core/model.ts';
import type { ResponseBuilder } from '../core/response-builder.ts';
import { ResponseStream } from '../core/response-stream.ts';
import type { ModelSettings } from '../core/settings.ts';
import { CallSignal, type CallSignalOptions } from './call-signal.ts';
import {
  type HttpTimeouts,
  postJson,
  postJsonForText,
  type UpstreamRequest,
  type UpstreamResponse,
} from './client.ts';
import type { Provider } from './provider.ts';

/**
 * What an adapter decides about one upstream request; the call adds the model name, signal and timeouts.
 *
 * @example
 * const outgoing: OutgoingRequest = { url: provider.url('/messages', model), headers, body: JSON.stringify(body) };
 */
export type OutgoingRequest = Pick<UpstreamRequest, 'url' | 'headers' | 'body'>;

/**
 * One adapter call over HTTP: who makes it, under which settings, and how to build its request.
 *
 * @example
 * const spec: HttpCall = {
 *   modelName: 'gpt-5', settings: merged, timeouts: provider.timeouts,
 *   build: async () => ({ url, headers: await upstreamHeaders(provider, merged, 'application/json'), body }),
 * };
 */
export interface HttpCall extends CallSignalOptions {
  modelName: string;
  /** The call's merged settings; their `signal` and `timeout` govern it. */
  settings: ModelSettings;
  /** The provider's connection timeouts. */
  timeouts?: HttpTimeouts | undefined;
  /**
   * Builds the request. It runs under the deadline but outside the failure mapping, so a `UserError` (a
   * missing key, content the protocol cannot carry) reaches the caller as it is.
   */
  build: () => Promise<OutgoingRequest>;
  /** Re-classifies what the call's mapping produced, for a protocol that names its errors (Bedrock). */
  refineFailure?: (error: unknown) => unknown;
}

/**
 * A whole answer: its body text and lower-cased headers.
 *
 * @example
 * const { text, headers } = await sendRequest(spec);
 */
export interface HttpAnswer {
  text: string;
  headers: Record<string, string>;
}

/**
 * Posts the request and reads the whole answer. Rejects with the call's mapped failure: the caller's
 * abort reason, a `ModelHTTPError`, or a `ModelAPIError` of kind `timeout`/`network`.
 *
 * @example
 * const { text } = await sendRequest({ modelName, settings: merged, timeouts, build: () => this.outgoing(false) });
 * return this.parseResponse(text);
 */
export async function sendRequest(spec: HttpCall): Promise<HttpAnswer> {
  // Only the caller (or the deadline) ever ends a whole answer's call: see CallSignal's `cancellable`.
  const call = new CallSignal(spec.modelName, spec.settings, spec, false);
  const mapFailure = failureMapping(call, spec);
  try {
    const outgoing = await spec.build();
    try {
      // Aborted already (before the call, or while it was being built): no connection is opened.
      call.signal.throwIfAborted();
      const { text, headers } = await postJsonForText(upstream(spec, outgoing, call.signal));
      return { text, headers };
    } catch (error) {
      throw mapFailure(error);
    }
  } finally {
    call.dispose();
  }
}

/**
 * An upstream stream whose headers have arrived: the body to read, and what the adapter's reader needs.
 *
 * @example
 * const opened = await openStream(spec);
 * const events = myReader({ body: opened.body, builder, mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */
export interface OpenedStream {
  body: UpstreamResponse['body'];
  headers: Record<string, string>;
  /** The call's signal, for readers that watch it themselves. */
  signal: AbortSignal;
  /** The call's failure mapping, for readers that map their own read failures. */
  mapFailure: (error: unknown) => unknown;
  /**
   * The StreamedResponse over the reader's events. Every error leaving them goes through `mapFailure`
   * (again, harmlessly, for a reader that mapped it already); `cancel()` and an early `break` close the
   * upstream connection; the deadline is cleared when the events end.
   */
  respond(builder: ResponseBuilder, events: AsyncGenerator<ModelResponseStreamEvent>): StreamedResponse;
}

/**
 * What an adapter's stream reader is given: the body `openStream` opened with its headers, where to
 * assemble the answer, and how to map a failure while reading.
 *
 * @example
 * const input: StreamReaderInput = { body: opened.body, headers: opened.headers, builder,
 *   modelName: 'gpt-4o', mapReadFailure: opened.mapFailure };
 */
export interface StreamReaderInput {
  body: AsyncIterable<Uint8Array | string>;
  /**
   * The response's lower-cased headers: a JSON content type on a stream request means an error body, and
   * some protocols put the response id here (Bedrock's `x-amzn-requestid`).
   */
  headers: Record<string, string>;
  builder: ResponseBuilder;
  /** The model name as configured, for error messages (the builder's may be renamed by the host). */
  modelName: string;
  /** Maps a failure while reading the body (socket reset, idle timeout, abort) to what the caller sees. */
  mapReadFailure: (error: unknown) => unknown;
}

/**
 * Posts a stream request and resolves once the upstream accepted it (headers below 400). Rejects like
 * `sendRequest`; the deadline, if any, keeps running while the stream is read.
 *
 * @example
 * const opened = await openStream({ modelName, settings: merged, timeouts, build: () => this.outgoing(true) });
 */
export async function openStream(spec: HttpCall): Promise<OpenedStream> {
  const call = new CallSignal(spec.modelName, spec.settings, spec);
  const mapFailure = failureMapping(call, spec);
  let response: UpstreamResponse;
  try {
    const outgoing = await spec.build();
    try {
      call.signal.throwIfAborted();
      response = await postJson(upstream(spec, outgoing, call.signal));
    } catch (error) {
      throw mapFailure(error);
    }
  } catch (error) {
    call.dispose();
    throw error;
  }
  return {
    body: response.body,
    headers: response.headers,
    signal: call.signal,
    mapFailure,
    respond: (builder, events) =>
      new ResponseStream(builder, events, call.controller, {
        mapFailure,
        onEnd: () => call.dispose(),
        // Its abort aborts the call's controller, which closes the body the events are read from.
        follows: spec.settings.signal,
      }),
  };
}

/**
 * The headers of a JSON call: content type, what to accept (omitted when the protocol does not care),
 * the provider's auth, then the call's `extraHeaders`, which win.
 *
 * @example
 * const headers = await upstreamHeaders(provider, settings, 'text/event-stream');
 */
export async function upstreamHeaders(
  provider: Provider,
  settings: ModelSettings,
  accept?: string,
): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    ...(accept === undefined ? {} : { accept }),
    ...(await provider.headers()),
    ...settings.extraHeaders,
  };
}

function upstream(spec: HttpCall, outgoing: OutgoingRequest, signal: AbortSignal): UpstreamRequest {
  return { ...outgoing, modelName: spec.modelName, signal, timeouts: spec.timeouts };
}

function failureMapping(call: CallSignal, spec: HttpCall): (error: unknown) => unknown {
  const refine = spec.refineFailure;
  return refine ? (error) => refine(call.mapFailure(error)) : call.mapFailure;
}
