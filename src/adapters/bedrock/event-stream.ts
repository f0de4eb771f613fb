/**
 * Reads AWS's binary event stream (`application/vnd.amazon.eventstream`) with AWS's own codec: each frame
 * is length-prefixed with CRCs over prelude and message, so a frame split across TCP packets is buffered
 * until whole, and a corrupted one is detected rather than misread.
 */
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** The bytes are not a well-formed event stream: a bad checksum or length, or a frame cut short. */
export class EventStreamFormatError extends Error {
  override name = 'EventStreamFormatError';
}

/** One decoded frame: its `:message-type` (`event`, `exception`, `error`), its type name and its body. */
export interface EventStreamFrame {
  messageType: string;
  /** `:event-type` of an event, `:exception-type` of an exception, `:error-code` of an error. */
  type: string;
  /** The payload as text (JSON for Converse); for an `error` frame, its `:error-message`. */
  body: string;
}

/**
 * Yields the frames of an event-stream body. Throws when a frame is corrupt (bad CRC or length) or the
 * body ends inside a frame (`EventStreamFormatError`).
 *
 * @example
 * for await (const frame of readEventStream(response.body)) if (frame.type === 'contentBlockDelta') ...
 */
export async function* readEventStream(
  body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<EventStreamFrame> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let pending: Uint8Array = new Uint8Array(0);
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? fromUtf8(chunk) : chunk;
    pending = pending.length === 0 ? bytes : concat(pending, bytes);
    // The codec decodes one whole frame at a time; each frame starts with its total length (4 bytes, big-endian).
    while (pending.length >= 4) {
      const length = new DataView(pending.buffer, pending.byteOffset, 4).getUint32(0, false);
      if (length < 16) throw new EventStreamFormatError(`event stream frame of impossible length ${length}`);
      if (pending.length < length) break;
      let message: Message;
      try {
        message = codec.decode(pending.subarray(0, length));
      } catch (cause) {
        throw new EventStreamFormatError(`corrupt event stream frame: ${(cause as Error).message}`);
      }
      yield toFrame(message);
      pending = pending.subarray(length);
    }
  }
  if (pending.length > 0)
    throw new EventStreamFormatError(`event stream ended inside a frame (${pending.length} bytes left)`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function toFrame(message: Message): EventStreamFrame {
  const header = (name: string): string => {
    const value = message.headers[name]?.value;
    return typeof value === 'string' ? value : '';
  };
  const messageType = header(':message-type') || 'event';
  if (messageType === 'error') {
    return { messageType, type: header(':error-code'), body: header(':error-message') };
  }
  return {
    messageType,
    type: messageType === 'exception' ? header(':exception-type') : header(':event-type'),
    body: toUtf8(message.body),
  };
}
