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
 * spec says; the caller learns the body ended by the iterator finishing, and decides whether the
 * provider's own end marker had been seen. It behaves as an async generator over the body would (closing
 * it early with `return()` closes the body), but is written out by hand: the frames of one chunk are
 * parsed together and handed out from a queue, which on a streamed answer (one frame per token) costs
 * about half of what resuming a generator once per frame did.
 *
 * @example
 * for await (const frame of readSSE(response.body)) if (frame.data !== '[DONE]') handle(JSON.parse(frame.data));
 */
export function readSSE(body: AsyncIterable<Uint8Array | string>): SSEFrames {
  return new SSEReader(body[Symbol.asyncIterator]());
}

/** The frames `readSSE` hands out, with the ones already parsed also to be taken without waiting. */
export interface SSEFrames extends AsyncGenerator<SSEEvent> {
  /**
   * The next frame if one is parsed and no call is waiting, else undefined (then call `next()`): a
   * reader that makes its own iterator saves a promise per frame of a chunk that held several.
   */
  take(): SSEEvent | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class SSEReader implements SSEFrames {
  private readonly source: AsyncIterator<Uint8Array | string>;
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private first = true;
  // Chunks that hold no line end only extend the current line: they wait here and are joined once a line
  // end comes, so a long line costs linear time (growing one string per chunk and scanning it again
  // made a few MiB without a newline block the event loop for tens of seconds).
  private readonly pending: string[] = [];
  /** The `data` lines of the frame being read. */
  private readonly data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  /** Frames parsed and not handed out yet; `head` is the next one. */
  private frames: SSEEvent[] = [];
  private head = 0;
  /** The body ended, failed, or was closed: nothing more comes. */
  private finished = false;
  /** A call waiting for the body; later calls queue behind it, as a generator's do. */
  private busy: Promise<unknown> | undefined;

  constructor(source: AsyncIterator<Uint8Array | string>) {
    this.source = source;
  }

  next(): Promise<IteratorResult<SSEEvent>> {
    if (this.busy === undefined && this.head < this.frames.length) {
      return Promise.resolve({ value: this.frames[this.head++]!, done: false });
    }
    return this.queue(() => this.read());
  }

  take(): SSEEvent | undefined {
    return this.busy === undefined && this.head < this.frames.length ? this.frames[this.head++] : undefined;
  }

  /** Closes the body, as leaving a `for await` over it does; the frames not handed out are dropped. */
  return(value?: unknown): Promise<IteratorResult<SSEEvent>> {
    return this.queue(async () => {
      await this.close();
      return { done: true, value: value as undefined };
    });
  }

  throw(error?: unknown): Promise<IteratorResult<SSEEvent>> {
    return this.queue(async () => {
      await this.close();
      throw error;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private queue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.busy === undefined ? step() : this.busy.then(step, step);
    this.busy = run;
    const idle = (): void => {
      if (this.busy === run) this.busy = undefined;
    };
    run.then(idle, idle);
    return run;
  }

  private async close(): Promise<void> {
    const wasOpen = !this.finished;
    this.finished = true;
    this.frames = [];
    this.head = 0;
    if (wasOpen) await this.source.return?.();
  }

  private async read(): Promise<IteratorResult<SSEEvent>> {
    for (;;) {
      if (this.head < this.frames.length) return { value: this.frames[this.head++]!, done: false };
      if (this.finished) return DONE;
      this.frames = [];
      this.head = 0;
      let step: IteratorResult<Uint8Array | string>;
      try {
        step = await this.source.next();
      } catch (error) {
        this.finished = true;
        throw error;
      }
      if (step.done) this.finished = true;
      else this.parse(step.value);
    }
  }

  /** Adds the frames this chunk completes to `frames`. */
  private parse(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let buffer = this.buffer;
    if (
      text.indexOf('\n') === -1 &&
      text.indexOf('\r') === -1 &&
      buffer.charCodeAt(buffer.length - 1) !== 13
    ) {
      this.pending.push(text);
      return;
    }
    const pending = this.pending;
    buffer += pending.length === 0 ? text : pending.join('') + text;
    pending.length = 0;
    if (this.first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      this.first = false;
    }
    const data = this.data;
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
      const isCr = buffer.charCodeAt(lineEnd) === 13;
      if (isCr && lineEnd === buffer.length - 1) break;
      const lineStart = start;
      start = lineEnd + (isCr && buffer.charCodeAt(lineEnd + 1) === 10 ? 2 : 1);
      if (lineEnd === lineStart) {
        // An empty line ends the frame.
        if (data.length > 0) {
          this.frames.push({
            event: this.event,
            data: data.length === 1 ? data[0]! : data.join('\n'),
            id: this.id,
          });
          data.length = 0;
        }
        this.event = undefined;
        continue;
      }
      // `data: ` is nearly every line a provider sends: its value is sliced out at once.
      if (buffer.startsWith('data: ', lineStart)) {
        data.push(buffer.slice(lineStart + 6, lineEnd));
        continue;
      }
      if (buffer.charCodeAt(lineStart) === 58) continue; // `:` comment (keep-alive)
      const line = buffer.slice(lineStart, lineEnd);
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
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
