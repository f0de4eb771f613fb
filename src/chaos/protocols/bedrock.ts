/**
 * The AWS Bedrock Converse emulator: `POST /model/{modelId}/converse` and `/converse-stream`. Errors are
 * Bedrock's: a `{"message": ...}` body named by the `x-amzn-errortype` header (ValidationException,
 * ThrottlingException, ServiceUnavailableException, ...). Answers are Converse responses (content blocks
 * with text or toolUse, stopReason, usage, metrics); streams are AWS's binary event stream — messageStart,
 * contentBlockStart/Delta/Stop, messageStop, metadata — encoded with AWS's own codec, and in-band errors
 * are `exception` frames, as recorded from the real service.
 *
 * Authentication: a request must carry an `authorization` header (a SigV4 signature or a Bedrock API
 * key), else it gets AWS's 403. The signature is NOT verified: any value passes.
 *
 * Event-stream frames are binary; they travel through the protocol-neutral delivery as `latin1` strings
 * (one character per byte), so cuts and stalls land between frames exactly as for SSE.
 */
import { randomUUID } from 'node:crypto';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { Answer, AnswerFinish, ToolOffer } from '../answers.ts';
import { countTokens } from '../answers.ts';
import { type BedrockErrorName, bedrockErrorReply, bedrockStatusError } from './bedrock-errors.ts';
import {
  type ChaosRequest,
  type HttpReply,
  isObject,
  makeId,
  type ProtocolEmulator,
  type StreamScript,
} from './protocol.ts';

const STOP_REASON: Record<AnswerFinish, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool: 'tool_use',
  'content-filter': 'content_filtered',
};

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const validation = (message: string) => bedrockErrorReply(400, 'ValidationException', message);
/** Coral's wording for a field that breaks its model's constraint. */
const constraint = (value: string, path: string, rule: string) =>
  validation(
    `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${rule}`,
  );

const NO_AUTH = bedrockErrorReply(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
const PARSE_ERROR = bedrockErrorReply(
  400,
  'SerializationException',
  'Unexpected token in JSON request body.',
);
const NO_MESSAGES = constraint('null', 'messages', 'Member must not be null');
const FIRST_NOT_USER = validation(
  'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
);
const BAD_MODEL = validation('The provided model identifier is invalid.');

/** The in-band error and its out-of-band twin: Bedrock could not serve the request right now. */
const UNAVAILABLE: { name: BedrockErrorName; message: string } = {
  name: 'ServiceUnavailableException',
  message: 'Bedrock is unable to process your request.',
};

function header(value: string) {
  return { type: 'string' as const, value };
}

/** One binary frame, as a latin1 string. */
function frame(headers: MessageHeaders, payload: string): string {
  return Buffer.from(codec.encode({ headers, body: fromUtf8(payload) })).toString('latin1');
}

let padCount = 0;

/**
 * An `event` frame. Like the real service, each payload carries a `p` field of varying length, which
 * keeps the frame size from revealing the token.
 */
function eventFrame(type: string, fields: string): string {
  padCount = (padCount + 7) % PADDING.length;
  const payload = `{${fields}${fields === '' ? '' : ','}"p":"${PADDING.slice(0, padCount + 1)}"}`;
  return frame(
    {
      ':event-type': header(type),
      ':content-type': header('application/json'),
      ':message-type': header('event'),
    },
    payload,
  );
}

const EXCEPTION_FRAME = frame(
  {
    ':exception-type': header(`${UNAVAILABLE.name[0]!.toLowerCase()}${UNAVAILABLE.name.slice(1)}`),
    ':content-type': header('application/json'),
    ':message-type': header('exception'),
  },
  JSON.stringify({ message: UNAVAILABLE.message }),
);

/** The text of Converse content blocks; whether any is a tool result. */
function blocksText(content: unknown[]): { text: string; toolResult: boolean } {
  let text = '';
  let toolResult = false;
  for (const block of content) {
    if (!isObject(block)) continue;
    if (typeof block.text === 'string') text = text === '' ? block.text : `${text}\n${block.text}`;
    if (block.toolResult !== undefined) toolResult = true;
  }
  return { text, toolResult };
}

function toolOffers(toolConfig: unknown): { offers: ToolOffer[]; forced: string | undefined } {
  if (!isObject(toolConfig) || !Array.isArray(toolConfig.tools)) return { offers: [], forced: undefined };
  const offers: ToolOffer[] = [];
  for (const tool of toolConfig.tools) {
    const spec = isObject(tool) ? tool.toolSpec : undefined;
    if (isObject(spec) && typeof spec.name === 'string') {
      const schema = isObject(spec.inputSchema) ? spec.inputSchema.json : undefined;
      offers.push({ name: spec.name, schema });
    }
  }
  const choice = toolConfig.toolChoice;
  const forced =
    isObject(choice) && isObject(choice.tool) && typeof choice.tool.name === 'string'
      ? choice.tool.name
      : undefined;
  return { offers, forced };
}

function usageOf(request: ChaosRequest, outputTokens: number) {
  return {
    inputTokens: request.inputTokens,
    outputTokens,
    totalTokens: request.inputTokens + outputTokens,
  };
}

/** A request latency for `metrics`: what the answer would take at a steady pace. */
const latencyMs = (answer: Answer) => 120 + answer.outputTokens * 8;

/** The Bedrock Converse emulator. */
export const bedrockProtocol: ProtocolEmulator = {
  name: 'bedrock',
  // The adapter's base URL is the origin: it appends `/model/{modelId}/converse` itself.
  sdkBasePath: '',
  streamEncoding: 'latin1',
  get jsonHeaders() {
    return ['content-type', 'application/json', 'x-amzn-requestid', randomUUID()];
  },
  streamHeaders: () => [
    'content-type',
    'application/vnd.amazon.eventstream',
    'x-amzn-requestid',
    randomUUID(),
  ],

  route(method, path) {
    const match = method === 'POST' ? ROUTE.exec(path) : null;
    if (!match) return bedrockErrorReply(404, 'UnknownOperationException', 'Not Found');
    let model: string;
    try {
      model = decodeURIComponent(match[1]!);
    } catch {
      return BAD_MODEL;
    }
    return { kind: 'route', model, stream: match[2] === 'converse-stream', sse: false };
  },

  parse(text, route, headers) {
    if (headers.authorization === undefined) return NO_AUTH;
    const model = route.model ?? '';
    if (model.trim() === '') return BAD_MODEL;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return PARSE_ERROR;
    }
    if (!isObject(body)) return PARSE_ERROR;
    const { messages, system, inferenceConfig } = body;
    if (messages === undefined || messages === null) return NO_MESSAGES;
    if (!Array.isArray(messages)) return PARSE_ERROR;
    if (messages.length === 0) return FIRST_NOT_USER;
    let inputTokens = Array.isArray(system) ? countTokens(blocksText(system).text) : 0;
    let lastUserText = '';
    let hasToolResults = false;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      const path = `messages.${i + 1}.member`;
      if (!isObject(message)) return constraint('null', path, 'Member must not be null');
      if (message.role !== 'user' && message.role !== 'assistant') {
        return constraint(
          `'${String(message.role)}'`,
          `${path}.role`,
          'Member must satisfy enum value set: [user, assistant]',
        );
      }
      if (i === 0 && message.role !== 'user') return FIRST_NOT_USER;
      if (!Array.isArray(message.content))
        return constraint('null', `${path}.content`, 'Member must not be null');
      const { text: content, toolResult } = blocksText(message.content);
      inputTokens += countTokens(content);
      if (message.role === 'user' && content !== '') lastUserText = content;
      if (toolResult) hasToolResults = true;
    }
    const maxTokens = isObject(inferenceConfig) ? inferenceConfig.maxTokens : undefined;
    if (maxTokens !== undefined && (typeof maxTokens !== 'number' || maxTokens < 1)) {
      return constraint(
        `'${String(maxTokens)}'`,
        'inferenceConfig.maxTokens',
        'Member must have value greater than or equal to 1',
      );
    }
    const { offers, forced } = toolOffers(body.toolConfig);
    return {
      kind: 'request',
      model,
      stream: route.stream === true,
      includeUsage: true,
      sse: false,
      inputTokens,
      lastUserText,
      tools: offers,
      forcedTool: forced,
      hasToolResults,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    };
  },

  statusReply: (fault, model): HttpReply => bedrockStatusError(fault, model),

  errorFrame: () => EXCEPTION_FRAME,

  errorFrameReply() {
    return bedrockErrorReply(503, UNAVAILABLE.name, UNAVAILABLE.message);
  },

  badFaultReply(message) {
    return validation(`x-chaos: ${message}`);
  },

  json(request, answer) {
    const content: unknown[] = answer.toolCalls.map((call) => ({
      toolUse: { toolUseId: makeId('tooluse_', 22), name: call.name, input: call.args },
    }));
    if (answer.text !== '') content.unshift({ text: answer.text });
    return JSON.stringify({
      metrics: { latencyMs: latencyMs(answer) },
      output: { message: { content, role: 'assistant' } },
      stopReason: STOP_REASON[answer.finish],
      usage: usageOf(request, answer.outputTokens),
    });
  },

  stream(request, answer) {
    let head = eventFrame('messageStart', '"role":"assistant"');
    const tokens: string[] = [];
    let blocks = 0;
    // Text needs no contentBlockStart: the real stream opens a text block with its first delta.
    for (const piece of answer.pieces) {
      tokens.push(
        eventFrame('contentBlockDelta', `"contentBlockIndex":0,"delta":{"text":${JSON.stringify(piece)}}`),
      );
    }
    if (answer.pieces.length > 0) blocks = 1;
    let carry = '';
    answer.toolCalls.forEach((call, i) => {
      const index = blocks + i;
      const opening = eventFrame(
        'contentBlockStart',
        `"contentBlockIndex":${index},"start":{"toolUse":{"name":${JSON.stringify(call.name)},"toolUseId":"${makeId('tooluse_', 22)}","type":"tool_use"}}`,
      );
      const deltas = call.pieces.map((piece) =>
        eventFrame(
          'contentBlockDelta',
          `"contentBlockIndex":${index},"delta":{"toolUse":{"input":${JSON.stringify(piece)}}}`,
        ),
      );
      // The opening of the first block goes before the first token; a later one rides with its first
      // delta, after the previous block's stop.
      if (index === 0) head += opening;
      else deltas[0] = carry + opening + (deltas[0] ?? '');
      tokens.push(...deltas);
      carry = eventFrame('contentBlockStop', `"contentBlockIndex":${index}`);
    });
    // Converse answers here are text or tool calls, never both: the tail closes whichever block is open.
    let tail = carry || (blocks > 0 ? eventFrame('contentBlockStop', '"contentBlockIndex":0') : '');
    tail += eventFrame('messageStop', `"stopReason":"${STOP_REASON[answer.finish]}"`);
    tail += eventFrame(
      'metadata',
      `"metrics":{"latencyMs":${latencyMs(answer)}},"usage":${JSON.stringify(usageOf(request, answer.outputTokens))}`,
    );
    return { head, tokens, tail } satisfies StreamScript;
  },
};
