/** Builds `RequestFinished` events for observer tests: a served request unless told otherwise. */

import type { Attempt } from '../../../src/core/messages.ts';
import type { RequestFinished } from '../../../src/gateway/events.ts';

export function attempt(
  model: string,
  outcome: Attempt['outcome'],
  errorKind?: string,
  durationMs = 100,
): Attempt {
  const [providerName, ...rest] = model.split(':');
  const made: Attempt = {
    modelName: rest.join(':'),
    providerName: providerName ?? '',
    outcome,
    startedAt: 0,
    durationMs,
  };
  if (errorKind !== undefined) made.errorKind = errorKind;
  return made;
}

export function finished(overrides: Partial<RequestFinished> = {}): RequestFinished {
  return {
    route: 'chat',
    api: 'openai',
    stream: false,
    servedModel: 'openai:gpt-4o',
    attempts: [attempt('openai:gpt-4o', 'ok')],
    status: 200,
    errorKind: undefined,
    latencyMs: 120,
    timeToFirstTokenMs: undefined,
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    cost: 0.0025,
    clientKeyId: undefined,
    clientName: undefined,
    userAgent: undefined,
    responseId: undefined,
    finishReason: 'stop',
    insured: false,
    body: undefined,
    ...overrides,
  };
}
