/**
 * The fault matrix: every chaos fault, and what it must turn into for each protocol and mode. One table
 * drives both surfaces (the library's FallbackModel and the gateway), so the two cannot drift apart.
 *
 * A fault ends in one of three ways:
 * - `answer`: the upstream really answered (an empty message, a content-filter finish); it is served as
 *   it is, with its finish reason — not a failure, so there is no fallback.
 * - `failure` before the stream commits (its first content event): a typed error of `errorClass` and
 *   `kind`; with a fallback model behind it the caller never sees it and the backup serves.
 * - `failure` after commit (`committed: true`): the stream has sent text, so it ends with an explicit
 *   error of that kind — never a clean end with tokens missing, and no silent switch to another model.
 */
import type { ErrorKind } from '../../../src/core/errors/index.ts';
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';

export type Protocol = 'openai' | 'anthropic' | 'gemini';
export type Mode = 'request' | 'stream';
export const PROTOCOLS: readonly Protocol[] = ['openai', 'anthropic', 'gemini'];
export const MODES: readonly Mode[] = ['request', 'stream'];

/** Deadlines every matrix call runs under: a stuck upstream costs at most this before the next model. */
export const FIRST_TOKEN_TIMEOUT_MS = 300;
export const IDLE_TIMEOUT_MS = 300;
/** The whole call, all attempts together. */
export const CALL_TIMEOUT_MS = 3000;
/** A hung chaos socket is destroyed after this, so even a broken client cannot keep one forever. */
export const HANG_CAP_MS = 2000;
/** What every case must finish within, whatever the fault: no case may hang. */
export const CASE_BUDGET_MS = 2500;

/** One of the error classes (the constructor itself, compared exactly). */
export type ErrorClass = abstract new (...args: never[]) => ModelAPIError;

export type Expected =
  | { outcome: 'answer'; finishReason: 'stop' | 'content_filter'; text: string }
  | {
      outcome: 'failure';
      errorClass: ErrorClass;
      kind: ErrorKind;
      committed: boolean;
    };

export interface FaultCase {
  /** The chaos fault spec, set as the faulty model's scenario fault. */
  fault: string;
  expect(protocol: Protocol, mode: Mode): Expected;
}

const fail = (errorClass: ErrorClass, kind: ErrorKind, committed = false): Expected => ({
  outcome: 'failure',
  errorClass,
  kind,
  committed,
});

const httpStatus = (fault: string, kind: ErrorKind): FaultCase => ({
  fault,
  expect: () => fail(ModelHTTPError, kind),
});

/** Stalls and cuts: before any byte of a JSON body, a failure; in a stream, after two tokens of text. */
const midStream = (fault: string, request: Expected, stream: Expected): FaultCase => ({
  fault,
  expect: (_protocol, mode) => (mode === 'request' ? request : stream),
});

/** How each protocol's chaos emulator words its in-band error: a server error, or overloaded. */
const errorFrameKind = (protocol: Protocol): ErrorKind => (protocol === 'openai' ? 'server' : 'overloaded');

export const FAULT_CASES: readonly FaultCase[] = [
  httpStatus('status:400;context-length', 'context_length'),
  httpStatus('status:400;content-policy', 'content_filter'),
  httpStatus('status:401', 'auth'),
  httpStatus('status:403', 'auth'),
  httpStatus('status:404', 'not_found'),
  httpStatus('status:429', 'rate_limit'),
  httpStatus('status:500', 'server'),
  httpStatus('status:502', 'server'),
  httpStatus('status:503', 'overloaded'),
  httpStatus('status:529', 'overloaded'),
  { fault: 'reset', expect: () => fail(ModelAPIError, 'network') },
  { fault: 'refuse', expect: () => fail(ModelAPIError, 'network') },
  { fault: 'hang', expect: () => fail(ModelAPIError, 'timeout') },
  { fault: 'slow-first-token:2000', expect: () => fail(ModelAPIError, 'timeout') },
  // Two tokens a second: the gap between tokens is longer than the idle deadline.
  midStream('tokens-per-second:2', fail(ModelAPIError, 'timeout'), fail(ModelAPIError, 'timeout', true)),
  midStream('stall-after:2', fail(ModelAPIError, 'timeout'), fail(ModelAPIError, 'timeout', true)),
  midStream('cut-after:2', fail(ModelAPIError, 'network'), fail(ModelAPIError, 'network', true)),
  midStream(
    'cut-after:2;clean',
    fail(UnexpectedModelBehavior, 'server'),
    fail(ModelAPIError, 'stream_error', true),
  ),
  {
    fault: 'error-frame:0',
    // Without a stream the chaos server sends the same error out of band, as an HTTP status.
    expect: (protocol, mode) =>
      fail(mode === 'request' ? ModelHTTPError : ModelAPIError, errorFrameKind(protocol)),
  },
  {
    fault: 'error-frame:2',
    expect: (protocol, mode) =>
      mode === 'request'
        ? fail(ModelHTTPError, errorFrameKind(protocol))
        : fail(ModelAPIError, errorFrameKind(protocol), true),
  },
  midStream(
    'malformed',
    fail(UnexpectedModelBehavior, 'server'),
    fail(UnexpectedModelBehavior, 'stream_error'),
  ),
  { fault: 'empty', expect: () => ({ outcome: 'answer', finishReason: 'stop', text: '' }) },
  {
    fault: 'content-filter',
    // Gemini withholds the whole candidate (finishReason SAFETY, no parts): a failure the engine can
    // fall back on. OpenAI and Anthropic send an empty message with a content-filter finish.
    expect: (protocol) =>
      protocol === 'gemini'
        ? fail(ModelAPIError, 'content_filter')
        : { outcome: 'answer', finishReason: 'content_filter', text: '' },
  },
  {
    fault: 'content-filter:2',
    expect: () => ({ outcome: 'answer', finishReason: 'content_filter', text: 'echo:' }),
  },
];

/** The chaos answer to the matrix's one message (the emulators echo the last user message). */
export const PROMPT = 'hello there friend';
export const BACKUP_TEXT = `echo: ${PROMPT}`;

/** The scenario of a chaos server holding one faulty model per case (`m0`, `m1`, ...) and a healthy `backup`. */
export function matrixScenario(): { models: Record<string, { fault: string }> } {
  const models: Record<string, { fault: string }> = {};
  FAULT_CASES.forEach((testCase, index) => {
    models[`m${index}`] = { fault: testCase.fault };
  });
  return { models };
}

/** The library's provider prefix for each chaos protocol. */
export const PROVIDER_PREFIX: Record<Protocol, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google-gla',
};
