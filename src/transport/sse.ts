/**
 * One server-sent-events reader for every adapter. It follows the WHATWG parsing rules (any line ending,
 * multi-line `data`, comments, a leading BOM) and works chunk by chunk, so a frame split across TCP
 * packets is assembled and nothing is buffered beyond the current frame.
 */
export interface SSEEvent {
  /** The `event:` field; undefined when the frame had none (the spec's default is `message`). */
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Reads SSE frames from a byte stream. A frame left incomplete at the end of the body is dropped, as the
 * spec says; the caller learns the body ended by the generator returning, and decides whether the
 * provider's own end marker had been seen.
 *
 * @example
 * for await (const frame of readSSE(response.body)) if (frame.data !== '[DONE]') handle(JSON.parse(frame.data));
 */
export async function* readSSE(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SSEEvent> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let first = true;
  const data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  // Chunks that hold no line end only extend the current line: they wait here and are joined once a line
  // end comes, so a long line costs linear time (growing one string per chunk and scanning it again
  // made a few MiB without a newline block the event loop for tens of seconds).
  const pending: string[] = [];

  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (
      text.indexOf('\n') === -1 &&
      text.indexOf('\r') === -1 &&
      buffer.charCodeAt(buffer.length - 1) !== 13
    ) {
      pending.push(text);
      continue;
    }
    buffer += pending.length === 0 ? text : pending.join('') + text;
    pending.length = 0;
    if (first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      first = false;
    }
    let start = 0;
    // Line ends are found with indexOf, native and several times faster per frame than a loop over char
    // codes; `\r` is searched again only while the buffer still has one (most servers end lines with `\n`).
    let cr = buffer.indexOf('\r');
    for (;;) {
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      const lf = buffer.indexOf('\n', start);
      const lineEnd = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (lineEnd === -1) break;
      // A `\r` at the very end of the buffer may be the first half of `\r\n`: wait for more bytes.
      if (buffer.charCodeAt(lineEnd) === 13 && lineEnd === buffer.length - 1) break;
      const line = buffer.slice(start, lineEnd);
      start = lineEnd + (buffer.charCodeAt(lineEnd) === 13 && buffer.charCodeAt(lineEnd + 1) === 10 ? 2 : 1);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.length === 1 ? data[0]! : data.join('\n'), id };
        data.length = 0;
        event = undefined;
        continue;
      }
      if (line.charCodeAt(0) === 58) continue; // `:` comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
  }
}

/**
 * After the provider's end marker, lets the body end on its own instead of closing it: reads and ignores
 * what is left (usually only the last bytes of the chunked body, already received) and, should the
 * upstream keep the stream open past `graceMs`, destroys the body. Leaving a `for await` over the body at
 * the marker would destroy a body that has not emitted its end yet, and Node builds an `AbortError`, stack
 * trace and all, for each one: about 70 µs of a gateway's CPU per stream. It does not wait for the drain,
 * so the caller's last events are not held back; a failure after the marker changes nothing.
 *
 * @example
 * const frames = readSSE(body);
 * for (let step = await frames.next(); !step.done; step = await frames.next()) {
 *   if (step.value.data === '[DONE]') { finishAfterEndMarker(frames, body); break; }
 * }
 */
export function finishAfterEndMarker(frames: AsyncGenerator<SSEEvent>, body: object, graceMs = 5_000): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<'gave-up'>((resolve) => {
    timer = setTimeout(resolve, graceMs, 'gave-up');
    timer.unref?.();
  });
  void (async () => {
    try {
      for (;;) {
        const step = await Promise.race([frames.next(), gaveUp]);
        if (step === 'gave-up') {
          (body as { destroy?: () => unknown }).destroy?.();
          break;
        }
        if (step.done) break;
      }
    } catch {
      // The answer was complete at the marker; how the connection ends after it does not matter.
    } finally {
      clearTimeout(timer);
    }
  })();
}
