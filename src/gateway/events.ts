/**
 * What the gateway reports about each request it finished. The server emits these; metrics, the status
 * page and logs subscribe — so the request path knows nothing about how it is observed.
 */
import type { Attempt } from '../core/messages.ts';
import type { RequestUsage } from '../core/usage.ts';
import type { KeyRemoved } from '../fallback/group/key-pool.ts';

export interface RequestFinished {
  /** The route name from the config, or the first model id when the request named models directly. */
  route: string;
  /** How the route was chosen (`x-understudy-route-reason`): `name`, `model`, `pattern claude-*`, `rule 2 (...)`. */
  routeReason?: string | undefined;
  /** `openai` for /v1/chat/completions, `anthropic` for /v1/messages, `gemini` for /v1beta/models/…. */
  api: 'openai' | 'anthropic' | 'gemini';
  stream: boolean;
  /** The `provider:model` that served, or undefined when every attempt failed. */
  servedModel: string | undefined;
  /** Every attempt, each with its group, deployment and key fingerprint when it had them. */
  attempts: Attempt[];
  /** HTTP status sent to the client (200 for a stream that later ended with an error frame). */
  status: number;
  /** Error kind when the request failed (all attempts failed, or a stream broke after commit). */
  errorKind: string | undefined;
  latencyMs: number;
  /** Time to the first content byte sent to the client, for streams. */
  timeToFirstTokenMs: number | undefined;
  usage: RequestUsage | undefined;
  /** USD, when the served model's price is known. */
  cost: number | undefined;
  /** Hash prefix of the client key that made the request (never the key itself). */
  clientKeyId: string | undefined;
  /** The client key's name, for the request log and spend per key. */
  clientName: string | undefined;
  /** The client's `user-agent`: spend per tool (Claude Code, Codex, an SDK) is read from it. */
  userAgent: string | undefined;
  /** The id the client was given for the answer (`chatcmpl-…`, `msg_…`): `/v1/generation?id=` finds it. */
  responseId: string | undefined;
  /** How the answer ended, when it got that far. */
  finishReason: string | undefined;
  /**
   * Zero-completion insurance: no completion tokens and an error or no finish reason, so nothing is
   * charged (`cost` is 0, and the answer said so in a header).
   */
  insured: boolean;
  /** The parsed request body, kept only when the ledger is configured to store bodies. */
  body: unknown;
}

export interface BreakerChanged {
  key: string;
  from: string;
  to: string;
}

export interface GatewayEventMap {
  'request-finished': [RequestFinished];
  'breaker-changed': [BreakerChanged];
  /** A pooled upstream key was refused (401/403) and taken out of its pool: named by fingerprint. */
  'key-removed': [KeyRemoved];
}
