/**
 * What the emulators say: deterministic text (an echo of the last user message, or filler of a requested
 * length), tool calls with arguments generated from the tool's JSON schema when tools are offered and no
 * tool result has come back yet, and token counts from one simple tokenizer so usage always matches the
 * text that was sent.
 */
import type { AnswerMode } from './scenario.ts';

/** Why an answer ended, before each protocol spells it its own way. */
export type AnswerFinish = 'stop' | 'length' | 'tool' | 'content-filter';

/** A tool the request offered: its name and its JSON schema (parameters / input_schema). */
export interface ToolOffer {
  name: string;
  schema: unknown;
}

/** The protocol-neutral facts of a request that the answer depends on. */
export interface AnswerInput {
  lastUserText: string;
  tools: ToolOffer[];
  /** The tool `tool_choice` (or Gemini's allowedFunctionNames) forces, if any. */
  forcedTool: string | undefined;
  hasToolResults: boolean;
  maxTokens: number | undefined;
  /**
   * The JSON schema the request asked the answer to follow (structured output: OpenAI `response_format`,
   * Responses `text.format`, Anthropic `output_config.format`, Gemini `responseJsonSchema`), if any.
   */
  outputSchema?: unknown;
}

/**
 * Which tools an answer calls: the first offered (or the forced one), every one once, or a scripted call
 * of one tool with given arguments (made when that tool is offered; otherwise the answer is text).
 */
export type ToolCallMode = 'first' | 'all' | { name: string; args: Record<string, unknown> };

/** One tool call of an answer; `pieces` are the streamed fragments of `argumentsJson`. */
export interface ToolCallAnswer {
  name: string;
  args: unknown;
  argumentsJson: string;
  pieces: string[];
}

/** A finished answer: the text (as stream pieces) or the tool calls, token count and finish reason. */
export interface Answer {
  text: string;
  pieces: string[];
  toolCalls: ToolCallAnswer[];
  outputTokens: number;
  finish: AnswerFinish;
}

// ASCII letters, digits and `_` form words; every other non-space character is a token of its own.
function isWordChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95
  );
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Counts tokens the way the emulators do: each run of word characters is one token, each other
 * non-space character is one. Allocation-free, for the request path.
 *
 * @example
 * countTokens('echo: hello, world'); // 5
 */
export function countTokens(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWordChar(code)) {
      if (!inWord) count++;
      inWord = true;
    } else {
      inWord = false;
      if (!isSpace(code)) count++;
    }
  }
  return count;
}

const TOKEN = /\s*(?:\w+|[^\s\w])/g;

/**
 * Splits text into the tokens `countTokens` counts, each with the whitespace before it, so the pieces
 * joined give back the text (trailing whitespace rides on the last piece). Streams send one per frame.
 *
 * @example
 * tokenize('echo: hi there'); // ['echo', ':', ' hi', ' there']
 */
export function tokenize(text: string): string[] {
  const pieces: string[] = text.match(TOKEN) ?? [];
  const consumed = pieces.reduce((length, piece) => length + piece.length, 0);
  if (consumed < text.length) {
    const rest = text.slice(consumed);
    if (pieces.length === 0) pieces.push(rest);
    else pieces[pieces.length - 1] += rest;
  }
  return pieces;
}

const FILLER_WORDS = [
  'the',
  'quick',
  'brown',
  'fox',
  'jumps',
  'over',
  'a',
  'lazy',
  'dog',
  'while',
  'seven',
  'wizards',
  'quietly',
  'juggle',
  'bright',
  'lanterns',
  'near',
  'an',
  'old',
  'river',
];

const fillerCache = new Map<number, string>();

/**
 * Deterministic filler text of exactly `tokens` tokens.
 *
 * @example
 * fillerText(3); // 'the quick brown'
 */
export function fillerText(tokens: number): string {
  let text = fillerCache.get(tokens);
  if (text === undefined) {
    const words: string[] = [];
    for (let i = 0; i < tokens; i++) words.push(FILLER_WORDS[i % FILLER_WORDS.length]!);
    text = words.join(' ');
    if (fillerCache.size < 100) fillerCache.set(tokens, text);
  }
  return text;
}

/**
 * A value that satisfies a JSON schema, built deterministically: `const`, `default`, the first `enum` or
 * `examples` entry when given, else a plain value of the declared type (objects get their required
 * properties, or all when none are listed).
 *
 * @example
 * argsFromSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }); // { city: 'example' }
 */
export function argsFromSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return {};
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.find((option) => (option as { type?: unknown })?.type !== 'null') ?? options[0];
      return argsFromSchema(usable, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (typeof type === 'string' ? type.toLowerCase() : type) {
    case 'string':
      return s.format === 'date'
        ? '2024-01-01'
        : s.format === 'date-time'
          ? '2024-01-01T00:00:00Z'
          : 'example';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return s.items === undefined ? [] : [argsFromSchema(s.items, depth + 1)];
    default: {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(properties);
      const value: Record<string, unknown> = {};
      for (const name of required) value[name] = argsFromSchema(properties[name], depth + 1);
      return value;
    }
  }
}

/**
 * The schema of a structured-output request, wherever the protocol puts it: `{ type: 'json_schema',
 * schema }` (Anthropic, Responses), `{ type: 'json_schema', json_schema: { schema } }` (Chat Completions).
 */
export function jsonSchemaFormat(format: unknown): unknown {
  if (typeof format !== 'object' || format === null) return undefined;
  const f = format as { type?: unknown; schema?: unknown; json_schema?: { schema?: unknown } };
  if (f.type !== 'json_schema') return undefined;
  return f.schema ?? f.json_schema?.schema ?? {};
}

/**
 * Builds the answer to a request. With tools offered and no tool result yet, the answer calls the forced
 * tool, else the first (or every tool once, with `toolCalls: 'all'`); otherwise it is text per `mode`,
 * cut to `maxTokens` (finish `length`).
 *
 * @example
 * buildAnswer({ lastUserText: 'hi', tools: [], forcedTool: undefined, hasToolResults: false, maxTokens: undefined }, { kind: 'echo' }, 'first').text // 'echo: hi'
 */
export function buildAnswer(input: AnswerInput, mode: AnswerMode, toolCalls: ToolCallMode): Answer {
  if (typeof toolCalls === 'object') {
    if (!input.hasToolResults && input.tools.some((t) => t.name === toolCalls.name)) {
      return toolCallAnswer([{ name: toolCalls.name, args: toolCalls.args }]);
    }
  } else if (input.tools.length > 0 && !input.hasToolResults) {
    const forced =
      input.forcedTool === undefined ? undefined : input.tools.find((t) => t.name === input.forcedTool);
    const chosen = forced ? [forced] : toolCalls === 'all' ? input.tools : [input.tools[0]!];
    return toolCallAnswer(chosen.map((tool) => ({ name: tool.name, args: argsFromSchema(tool.schema) })));
  }
  // Structured output is a JSON value the schema accepts, so clients that parse it (the AI SDK's
  // Output.object, LangChain's withStructuredOutput) get something to parse.
  const full =
    input.outputSchema !== undefined
      ? JSON.stringify(argsFromSchema(input.outputSchema))
      : mode.kind === 'echo'
        ? `echo: ${input.lastUserText}`
        : fillerText(mode.tokens);
  let pieces = tokenize(full);
  let finish: AnswerFinish = 'stop';
  if (input.maxTokens !== undefined && pieces.length > input.maxTokens) {
    pieces = pieces.slice(0, input.maxTokens);
    finish = 'length';
  }
  const text = finish === 'stop' ? full : pieces.join('');
  return { text, pieces, toolCalls: [], outputTokens: pieces.length, finish };
}

function toolCallAnswer(chosen: Array<{ name: string; args: unknown }>): Answer {
  let outputTokens = 0;
  const calls = chosen.map(({ name, args }) => {
    const argumentsJson = JSON.stringify(args);
    const pieces = tokenize(argumentsJson);
    outputTokens += pieces.length + countTokens(name);
    return { name, args, argumentsJson, pieces };
  });
  return { text: '', pieces: [], toolCalls: calls, outputTokens, finish: 'tool' };
}

/** The answer cut down by a fault: `empty` (nothing at all) or `content-filter` after `tokens` tokens. */
export function restrictAnswer(answer: Answer, fault: 'empty' | 'content-filter', tokens = 0): Answer {
  const pieces = fault === 'empty' ? [] : answer.pieces.slice(0, tokens);
  return {
    text: pieces.join(''),
    pieces,
    toolCalls: [],
    outputTokens: pieces.length,
    finish: fault === 'empty' ? 'stop' : 'content-filter',
  };
}
