/**
 * One row of the request ledger: what `request-finished` reported, flattened into the columns both
 * databases store. Built when the event fires (cheap: no serialization), so the request path pays for
 * nothing here; the attempts and body become JSON text only when a batch is written.
 */
import type { Attempt } from '../../core/messages.ts';
import type { RequestFinished } from '../events.ts';
import { toolFamily } from './tool-family.ts';

/** A finished request, as the ledger keeps it. Times are epoch milliseconds. */
export interface LedgerEntry {
  /** The id the client was given (`chatcmpl-…`, `msg_…`); undefined when the request failed before an answer. */
  responseId: string | undefined;
  time: number;
  clientKeyId: string | undefined;
  clientName: string | undefined;
  route: string;
  api: string;
  stream: boolean;
  servedModel: string | undefined;
  /** The deployment and key fingerprint of the attempt that served, when the attempts carry them. */
  deployment: string | undefined;
  keyFingerprint: string | undefined;
  attempts: Attempt[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** USD; 0 when zero-completion insurance applied; undefined when the price is unknown. */
  cost: number | undefined;
  insured: boolean;
  latencyMs: number;
  timeToFirstTokenMs: number | undefined;
  /** `ok`, or the error kind that ended the request. */
  outcome: string;
  errorKind: string | undefined;
  finishReason: string | undefined;
  status: number;
  userAgent: string | undefined;
  /** The user-agent's family: `Claude Code`, `Codex`, `OpenAI SDK`... or the agent's first word. */
  tool: string;
  /** The request body as it came, when bodies are stored (redacted when written). */
  body: unknown;
}

/** The ledger's row for a finished request; `now` is when it finished. */
export function ledgerEntryOf(event: RequestFinished, now: number): LedgerEntry {
  const usage = event.usage;
  const served = servingAttempt(event.attempts);
  return {
    responseId: event.responseId,
    time: Math.round(now - event.latencyMs),
    clientKeyId: event.clientKeyId,
    clientName: event.clientName,
    route: event.route,
    api: event.api,
    stream: event.stream,
    servedModel: event.servedModel,
    deployment: served?.deployment,
    keyFingerprint: served?.keyFingerprint,
    attempts: event.attempts,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cacheReadTokens: usage?.cacheReadTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    cost: event.cost,
    insured: event.insured,
    latencyMs: event.latencyMs,
    timeToFirstTokenMs: event.timeToFirstTokenMs,
    outcome: event.errorKind ?? 'ok',
    errorKind: event.errorKind,
    finishReason: event.finishReason,
    status: event.status,
    userAgent: event.userAgent,
    tool: toolFamily(event.userAgent),
    body: event.body,
  };
}

/** The attempt that served (the last that succeeded): its deployment and key fill the row's columns. */
function servingAttempt(attempts: readonly Attempt[]): Attempt | undefined {
  for (let index = attempts.length - 1; index >= 0; index--) {
    const attempt = attempts[index]!;
    if (attempt.outcome === 'ok') return attempt;
  }
  return undefined;
}
