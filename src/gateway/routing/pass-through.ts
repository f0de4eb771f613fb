/**
 * Same protocol in and out: pass it through. A client protocol that declares a `PassThroughProtocol`
 * gets, on every attempt whose upstream speaks it, its client's request sent as it came — every field,
 * block, header and future addition — with only the model replaced (and the gateway's own fields, such as
 * `models`, taken out); the answer goes back as the upstream wrote it, plus the gateway's attribution
 * headers. Attempts on other protocols in the same chain translate as before. The engine, deadlines,
 * breakers, the first-token commit, usage and cost work the same either way: the adapter still reads the
 * answer (see `PassThroughRequest` in core/model.ts).
 *
 * A new client endpoint plugs in by giving its ChatProtocol a `passThrough` entry: the adapter protocol id
 * of its upstreams, the request headers that belong to the protocol, and how an answer and stream frames
 * are written for the client (the `model` attribution, if the protocol wants it).
 */

import {
  deleteTopLevelKey,
  findTopLevelValue,
  setAt,
  setTopLevelValue,
} from '../../adapters/pass-through/json-splice.ts';
import type { PassThroughRequest } from '../../core/model.ts';
import type { ChatCall } from './chat-call.ts';
import type { ServedModel } from './served.ts';

/** What a client protocol declares to have its requests passed through; see the file comment. */
export interface PassThroughProtocol {
  /** The `WireProtocol.id` of the upstreams that speak this protocol, e.g. `anthropic-messages`. */
  readonly wireProtocol: string;
  /** The protocol's own request headers, forwarded as sent (lower-case names); never credentials. */
  readonly headers: readonly string[];
  /**
   * The model is named by the URL, not the body (Gemini's `/models/{model}:generateContent`): the body
   * goes as it is, with no `model` set in it.
   */
  readonly modelInPath?: boolean;
  /**
   * Body changes the gateway itself needs, on the client's text before the model is set: the OpenAI
   * stream asks for usage, without which a streamed answer has no cost. `json` is the parsed body.
   */
  prepareBody?(text: string, json: Record<string, unknown>, call: ChatCall): string;
  /**
   * The top-level key of a whole answer's usage object (`usage`, Gemini's `usageMetadata`): the gateway
   * adds the answer's `cost` in USD there, as its translated answers carry it.
   */
  readonly usageKey: string;
  /** The whole answer as the client gets it, from the upstream's body. */
  answer(raw: string, served: ServedModel): string;
  /** A stream's frames as the client gets them, from the upstream's. */
  frames(raw: string, served: ServedModel, call: ChatCall): string;
}

/** Fields of a request that are the gateway's, not the protocol's: they never go upstream. */
const GATEWAY_FIELDS = ['models'] as const;

/**
 * The pass-through payload of one request. The model's place in the text is found once; each attempt
 * splices its model's name there (no JSON.stringify of a parsed copy: the bytes stay the client's).
 *
 * @example
 * call.params.passThrough = passThroughRequest(anthropicPassThrough, text, body, req.headers, call);
 */
export function passThroughRequest(
  protocol: PassThroughProtocol,
  text: string,
  json: Record<string, unknown>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  call?: ChatCall,
): PassThroughRequest {
  let prepared = text;
  for (const field of GATEWAY_FIELDS) {
    if (json[field] !== undefined) prepared = deleteTopLevelKey(prepared, field);
  }
  // A call to prepare for: a count (count_tokens) has none, and needs nothing prepared.
  if (protocol.prepareBody && call) prepared = protocol.prepareBody(prepared, json, call);
  const span = protocol.modelInPath ? undefined : findTopLevelValue(prepared, 'model');
  const forwarded: Record<string, string> = {};
  for (const name of protocol.headers) {
    const value = headers[name];
    if (value !== undefined) forwarded[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    protocol: protocol.wireProtocol,
    headers: forwarded,
    body: protocol.modelInPath ? () => prepared : (modelName) => setAt(prepared, span, 'model', modelName),
  };
}

/**
 * A whole passed-through answer with its price added to its usage object — the one field the gateway
 * adds to an upstream's answer, since clients read `usage.cost` from every answer of this gateway (as
 * from OpenRouter's). The answer as it came when the price is unknown or it has no usage object.
 *
 * @example
 * withUsageCost('{"id":"x","usage":{"prompt_tokens":3}}', 'usage', 0.0001); // '{"id":"x","usage":{"cost":0.0001,"prompt_tokens":3}}'
 */
export function withUsageCost(raw: string, usageKey: string, cost: number | undefined): string {
  if (cost === undefined) return raw;
  const span = findTopLevelValue(raw, usageKey);
  if (span === undefined || raw.charCodeAt(span[0]) !== 123) return raw;
  const usage = setTopLevelValue(raw.slice(span[0], span[1]), 'cost', cost);
  return raw.slice(0, span[0]) + usage + raw.slice(span[1]);
}
