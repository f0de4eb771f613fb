/**
 * What every protocol emulator provides to the server: routing, cheap request validation with the
 * provider's own 400 bodies, the provider's error bodies per status, and the JSON and SSE writers. The
 * server owns timing and faults; a protocol only knows its wire shapes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Answer, AnswerInput } from '../answers.ts';
import type { Fault } from '../fault-spec.ts';

/** The wire protocols the chaos server speaks. */
export type ChaosProtocol = 'openai' | 'openai-responses' | 'anthropic' | 'gemini' | 'bedrock';

/** A status fault, as the protocols receive it. */
export type StatusFault = Extract<Fault, { kind: 'status' }>;

/** A validated request, reduced to what answering and faulting need. */
export interface ChaosRequest extends AnswerInput {
  kind: 'request';
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`; Gemini `alt=sse` (else a JSON array stream). */
  includeUsage: boolean;
  sse: boolean;
  inputTokens: number;
  /** An embeddings request: its inputs and the vectors' size and encoding. */
  embedding?: {
    inputs: Array<string | number[]>;
    dimensions: number;
    base64: boolean;
    /** Gemini's `:batchEmbedContents` (else `:embedContent`). */
    batch?: boolean;
  };
}

/** A complete HTTP answer (an error, usually). Headers are a flat `[name, value, ...]` list. */
export interface HttpReply {
  kind: 'reply';
  status: number;
  headers: string[];
  body: string;
}

/** What the URL says: Gemini puts the model and streaming in the path. */
export interface RouteMatch {
  kind: 'route';
  model: string | undefined;
  stream: boolean | undefined;
  sse: boolean;
  /** Gemini's `:countTokens`: answered from the parsed body, without faults, as a count costs nothing. */
  count?: boolean;
  /** OpenAI's `/v1/embeddings`, Gemini's `:embedContent`: answered by the protocol's `embeddings`, after any fault that ends a call. */
  embeddings?: boolean;
}

/**
 * A streamed answer cut into the pieces faults act on: `head` before the first token (message_start,
 * the role chunk), one frame string per token, and `tail` with the finish reason, usage and end marker.
 */
export interface StreamScript {
  head: string;
  tokens: string[];
  tail: string;
}

/** One protocol's wire knowledge. */
export interface ProtocolEmulator {
  readonly name: ChaosProtocol;
  /**
   * What the server's `url` ends with, so that `url` is exactly the base URL the provider's official SDK
   * takes: `/v1` for OpenAI (`new OpenAI({ baseURL })`), nothing for Anthropic, Gemini and Bedrock, whose
   * SDKs add the version themselves (`new Anthropic({ baseURL })`, `httpOptions.baseUrl`, `endpoint`).
   */
  readonly sdkBasePath: string;
  readonly jsonHeaders: string[];
  /**
   * How the stream's strings become bytes: `utf8` (SSE, JSON) unless set. A binary protocol (Bedrock's
   * event stream) holds one byte per character and says `latin1`.
   */
  readonly streamEncoding?: 'utf8' | 'latin1';
  /** Headers of a streamed answer (SSE; Gemini without `alt=sse` streams a JSON array). */
  streamHeaders(request: ChaosRequest): string[];
  route(method: string, path: string, query: string): RouteMatch | HttpReply;
  parse(text: string, route: RouteMatch, headers: IncomingHttpHeaders): ChaosRequest | HttpReply;
  statusReply(fault: StatusFault, model: string): HttpReply;
  /** The in-band error frame of a stream. */
  errorFrame(): string;
  /** The HTTP error a non-streaming request gets for an `error-frame` fault (the same error, out of band). */
  errorFrameReply(model: string): HttpReply;
  /** A 400 for a bad `x-chaos` header, in the protocol's error shape. */
  badFaultReply(message: string): HttpReply;
  json(request: ChaosRequest, answer: Answer): string;
  /** The answer to an embeddings request, for a protocol that has the endpoint. */
  embeddings?(request: ChaosRequest): string;
  stream(request: ChaosRequest, answer: Answer): StreamScript;
}

/** Builds an `HttpReply` with a JSON body. */
export function jsonReply(status: number, body: unknown, extraHeaders: string[] = []): HttpReply {
  return {
    kind: 'reply',
    status,
    headers: ['content-type', 'application/json', ...extraHeaders],
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A bounded memo for error replies, which depend only on the fault and the model. */
export function replyCache(): (key: string, build: () => HttpReply) => HttpReply {
  const cache = new Map<string, HttpReply>();
  return (key, build) => {
    let reply = cache.get(key);
    if (!reply) {
      reply = build();
      if (cache.size > 2000) cache.clear();
      cache.set(key, reply);
    }
    return reply;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let counter = 0;
const processRandom = randomText(48);

function randomText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return text;
}

/**
 * A unique id of `length` characters after `prefix`, shaped like the providers' (`chatcmpl-…`,
 * `msg_01…`, `toolu_01…`): a per-process random part and a counter, so it costs no randomness per call.
 */
export function makeId(prefix: string, length: number): string {
  counter = (counter + 1) % 2_000_000_000;
  // A fixed-width counter: with a growing one, `…w` + `8` and `…` + `w8` were the same id (28 of 1,233
  // answers in a row repeated an earlier id, which a client or a ledger keyed by id would merge).
  const tail = counter.toString(36).padStart(COUNTER_WIDTH, '0');
  return prefix + processRandom.slice(0, Math.max(0, length - COUNTER_WIDTH)) + tail;
}

/** Base-36 digits of the counter: 36^7 is above its 2,000,000,000 wrap. */
const COUNTER_WIDTH = 7;

/** Text of an OpenAI/Anthropic content value: a string, or the `text` of its text parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && (part as { type?: unknown }).type === 'text') {
      const value = (part as { text?: unknown }).text;
      if (typeof value === 'string') text = text === '' ? value : `${text}\n${value}`;
    }
  }
  return text;
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name the providers use in their "expected an X, but got a Y" messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The gateway-error HTML page a CDN in front of the provider sends for 502/504. */
export function gatewayHtml(status: number, server: string): string {
  const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}
