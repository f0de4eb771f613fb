/**
 * The stream writer of a passed-through attempt: each event's upstream frames as the client's protocol
 * hands them on (see routing/pass-through.ts), the frames after the last event at the end, and — the one
 * thing the upstream cannot have written — the protocol's own error frame when the stream breaks after
 * commit. The runner keeps the commit point, back-pressure and the error path unchanged.
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ChatCall } from './chat-call.ts';
import type { PassThroughProtocol } from './pass-through.ts';
import type { ServedModel } from './served.ts';
import type { StreamWriter } from './stream-writer.ts';

export class PassThroughStreamWriter implements StreamWriter {
  private readonly protocol: PassThroughProtocol;
  private readonly served: ServedModel;
  private readonly call: ChatCall;
  /** The protocol's own writer, for the error frame. */
  private readonly translated: StreamWriter;

  constructor(protocol: PassThroughProtocol, served: ServedModel, call: ChatCall, translated: StreamWriter) {
    this.protocol = protocol;
    this.served = served;
    this.call = call;
    this.translated = translated;
  }

  /** The upstream's opening frames travel with the first event. */
  start(_usage?: RequestUsage): string {
    return '';
  }

  event(event: ModelResponseStreamEvent): string {
    return event.raw === undefined ? '' : this.protocol.frames(event.raw, this.served, this.call);
  }

  finish(response: ModelResponse): string {
    return response.raw === undefined ? '' : this.protocol.frames(response.raw, this.served, this.call);
  }

  error(error: GatewayError): string {
    return this.translated.error(error);
  }
}
