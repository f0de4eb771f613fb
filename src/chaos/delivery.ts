/**
 * Writes one answer to the socket, misbehaving as the fault plan says: delays, paced tokens, stalls,
 * cuts, resets, in-band error frames, malformed bytes. Protocol-neutral: the protocol supplies the bytes
 * (`StreamScript`, JSON text, error replies) and this module decides when, and whether, they are sent.
 * Every timer and hung socket is registered with `Pending`, so closing the server leaves nothing behind.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './answers.ts';
import type { FaultPlan } from './fault-spec.ts';
import type { ChaosRequest, HttpReply, ProtocolEmulator } from './protocols/protocol.ts';

/** Timers and hung requests of one server, ended together by `close()`. */
export class Pending {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly hangCapMs: number;
  closed = false;

  constructor(hangCapMs: number) {
    this.hangCapMs = hangCapMs;
  }

  /** Resolves true after `ms`, or false as soon as the response is closed (the client gave up). */
  wait(res: ServerResponse, ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!res.destroyed);
    return new Promise((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed && !this.closed);
      }, ms);
      this.#timers.add(timer);
      res.once('close', onClose);
    });
  }

  /**
   * Leaves the request without a further byte, as a stuck upstream does, until the client gives up or
   * the cap passes (then the socket is destroyed: the server must not keep it forever).
   */
  hang(req: IncomingMessage, res: ServerResponse): void {
    void this.wait(res, this.hangCapMs).then((expired) => {
      if (expired) req.socket.destroy();
    });
  }

  clear(): void {
    this.closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** Sends a complete reply with its content-length. */
export function sendReply(res: ServerResponse, reply: HttpReply): void {
  res.writeHead(reply.status, [...reply.headers, 'content-length', String(Buffer.byteLength(reply.body))]);
  res.end(reply.body);
}

/** Everything delivery needs about one request. */
export interface Delivery {
  req: IncomingMessage;
  res: ServerResponse;
  protocol: ProtocolEmulator;
  request: ChaosRequest;
  answer: Answer;
  plan: FaultPlan | undefined;
  firstTokenMs: number;
  tokensPerSecond: number | undefined;
  pending: Pending;
}

/**
 * Delivers an answer, streamed or not, applying the plan's fault. Faults that end the request before the
 * answer (status, reset, refuse, hang) are handled by the caller first; this gets the rest.
 */
export async function deliver(d: Delivery): Promise<void> {
  if (d.request.stream) await deliverStream(d);
  else await deliverJson(d);
}

async function deliverJson(d: Delivery): Promise<void> {
  const { res, protocol } = d;
  const fault = d.plan?.fault;
  const generationMs =
    d.tokensPerSecond === undefined ? 0 : Math.round((d.answer.outputTokens * 1000) / d.tokensPerSecond);
  if (d.firstTokenMs + generationMs > 0 && !(await d.pending.wait(res, d.firstTokenMs + generationMs)))
    return;
  if (fault?.kind === 'error-frame') return sendReply(res, protocol.errorFrameReply(d.request.model));
  const body = protocol.json(d.request, d.answer);
  switch (fault?.kind) {
    case 'malformed': {
      // Valid headers, a 200, and JSON cut in half: what a broken proxy or a truncated body looks like.
      const broken = body.slice(0, Math.floor(body.length / 2));
      return sendReply(res, { kind: 'reply', status: 200, headers: protocol.jsonHeaders, body: broken });
    }
    case 'stall-after':
    case 'cut-after': {
      const half = body.slice(0, Math.floor(body.length / 2));
      const clean = fault.kind === 'cut-after' && fault.clean;
      // A clean cut ends a chunked body early (no length promised); otherwise the promised length is
      // never met, so the client sees a stall or a broken connection mid-body.
      const headers = clean
        ? protocol.jsonHeaders
        : [...protocol.jsonHeaders, 'content-length', String(Buffer.byteLength(body))];
      res.writeHead(200, headers);
      res.write(half);
      if (fault.kind === 'stall-after') return d.pending.hang(d.req, res);
      if (clean) res.end();
      else d.req.socket.end();
      return;
    }
    default:
      res.writeHead(200, [...protocol.jsonHeaders, 'content-length', String(Buffer.byteLength(body))]);
      res.end(body);
  }
}

async function deliverStream(d: Delivery): Promise<void> {
  const { res, protocol } = d;
  const script = protocol.stream(d.request, d.answer);
  const fault = d.plan?.fault;
  const midStream =
    fault?.kind === 'stall-after' ||
    fault?.kind === 'cut-after' ||
    fault?.kind === 'error-frame' ||
    fault?.kind === 'malformed';
  const encoding = protocol.streamEncoding ?? 'utf8';
  res.writeHead(200, protocol.streamHeaders(d.request));
  if (!midStream && d.firstTokenMs === 0 && d.tokensPerSecond === undefined) {
    res.end(script.head + script.tokens.join('') + script.tail, encoding);
    return;
  }
  // Headers go out at once, as the real services send them before the model's first token.
  res.flushHeaders();
  if (!(await d.pending.wait(res, d.firstTokenMs))) return;
  const gapMs = d.tokensPerSecond === undefined ? 0 : 1000 / d.tokensPerSecond;
  res.write(script.head, encoding);
  const count = script.tokens.length;
  for (let i = 0; i <= count; i++) {
    if (fault && midStream && faultAt(fault, i, count)) {
      switch (fault.kind) {
        case 'stall-after':
          return d.pending.hang(d.req, res);
        case 'cut-after':
          // Not clean: the socket closes after the bytes already written are flushed, leaving the
          // chunked body unterminated — the client sees the connection drop mid-body.
          if (fault.clean) res.end();
          else d.req.socket.end();
          return;
        case 'error-frame':
          res.end(protocol.errorFrame(), encoding);
          return;
        case 'malformed': {
          // The chunk's last frame cut in half (a chunk may open a block before its first token).
          const chunk = (script.tokens[i] ?? script.tail).trimEnd();
          const last = chunk.lastIndexOf('\n\n');
          const start = last === -1 ? 0 : last + 2;
          const half = chunk.slice(start, start + Math.floor((chunk.length - start) / 2));
          res.end(`${chunk.slice(0, start)}${half}\n\n`, encoding);
          return;
        }
      }
    }
    if (i === count) break;
    if (i > 0 && gapMs > 0 && !(await d.pending.wait(res, gapMs))) return;
    res.write(script.tokens[i]!, encoding);
  }
  res.end(script.tail, encoding);
}

/** Whether a mid-stream fault fires before token `index` (after `index` tokens were sent). */
function faultAt(fault: NonNullable<FaultPlan['fault']>, index: number, count: number): boolean {
  switch (fault.kind) {
    case 'stall-after':
    case 'cut-after':
    case 'error-frame':
      return index === Math.min(fault.tokens, count);
    case 'malformed':
      return index === 0;
    default:
      return false;
  }
}
