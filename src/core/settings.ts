import { UserError } from './errors/index.ts';
import { describeValue } from './user-input.ts';

/** How hard a model should think, for the protocols that take a level rather than a token budget. */
export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/**
 * Settings for one model call. Every field is optional; an adapter sends what its protocol supports and
 * ignores the rest. `signal` cancels the call end to end, down to the upstream socket.
 *
 * @example
 * await model.request(messages, { maxTokens: 200, temperature: 0, signal: AbortSignal.timeout(5_000) });
 */
export interface ModelSettings {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Whole-call deadline in milliseconds (a FallbackModel shares it across all attempts). */
  timeout?: number;
  parallelToolCalls?: boolean;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  logitBias?: Record<string, number>;
  stopSequences?: string[];
  /** Extra HTTP headers sent upstream with this call. */
  extraHeaders?: Record<string, string>;
  /** Fields merged into the top level of the JSON body sent upstream. */
  extraBody?: Record<string, unknown>;
  /** `true` turns thinking on at the provider's default effort; a level asks for that effort. */
  thinking?: boolean | ThinkingLevel;
  signal?: AbortSignal;
}

/**
 * Shallow-merges settings: later objects win key by key. `extraHeaders` merge header by header, so a
 * call that adds one header keeps the model's own. Returns a new object; the inputs are never changed,
 * so a caller's settings object can be reused safely.
 *
 * Every model, FallbackModel and Agent call passes its settings through here, so this is where a value
 * written by hand is checked: `timeout: '5s'` would otherwise reach `setTimeout` and fire at once, and
 * `maxTokens: 1.5` would come back as a provider's 400 blamed on the model (and fallen back from).
 */
export function mergeSettings(...layers: Array<ModelSettings | undefined>): ModelSettings {
  const merged: ModelSettings = {};
  for (const layer of layers) {
    if (!layer) continue;
    checkSettings(layer);
    const headers = merged.extraHeaders;
    Object.assign(merged, layer);
    if (headers && layer.extraHeaders) merged.extraHeaders = { ...headers, ...layer.extraHeaders };
  }
  return merged;
}

const THINKING_LEVELS: ReadonlySet<unknown> = new Set(['minimal', 'low', 'medium', 'high', 'xhigh']);

/** What each setting must be, as a check and the words an error uses for it. */
const RULES: Record<string, [check: (value: unknown) => boolean, expected: string]> = {
  maxTokens: [(v) => Number.isInteger(v) && (v as number) > 0, 'a whole number above 0'],
  temperature: [Number.isFinite, 'a finite number'],
  topP: [Number.isFinite, 'a finite number'],
  presencePenalty: [Number.isFinite, 'a finite number'],
  frequencyPenalty: [Number.isFinite, 'a finite number'],
  seed: [Number.isInteger, 'a whole number'],
  // 0 and Infinity are meaningful (no time left; no deadline); the engine hands attempts what remains.
  timeout: [(v) => typeof v === 'number' && v >= 0, 'a number of milliseconds, 0 or more'],
  parallelToolCalls: [(v) => typeof v === 'boolean', 'true or false'],
  thinking: [
    (v) => typeof v === 'boolean' || THINKING_LEVELS.has(v),
    `true, false or one of ${[...THINKING_LEVELS].join(', ')}`,
  ],
  stopSequences: [(v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'an array of strings'],
  logitBias: [
    (v) => isPlainRecord(v) && Object.values(v).every(Number.isFinite),
    'an object of token ids to numbers',
  ],
  extraHeaders: [
    (v) => isPlainRecord(v) && Object.values(v).every((h) => typeof h === 'string'),
    'an object of header names to strings',
  ],
  extraBody: [isPlainRecord, 'an object'],
  // Duck-typed rather than `instanceof`: a signal from another realm (a test DOM, a polyfill) is still a signal.
  signal: [
    (v) => isPlainRecord(v) && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function',
    'an AbortSignal',
  ],
};

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws a `UserError` naming the first setting whose value cannot be what its type says. Unknown keys
 * pass (settings objects are often spread from larger ones); `undefined` means "not set".
 */
function checkSettings(layer: ModelSettings): void {
  for (const key in layer) {
    const value = (layer as Record<string, unknown>)[key];
    const rule = RULES[key];
    if (value === undefined || !rule || rule[0](value)) continue;
    throw new UserError(`Model settings: \`${key}\` must be ${rule[1]}; got ${describeValue(value)}.`);
  }
}
