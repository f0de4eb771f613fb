/**
 * The five wire adapters as the contract suite builds them: each against its own chaos emulator, through
 * `inferModel` as a user would, with what legitimately differs between protocols written down here —
 * how the emulator's in-band error is classified, and what an answer withheld before any text becomes.
 */
import type { ChaosProtocol } from '../../src/chaos/index.ts';

/** One adapter of the table. */
export interface AdapterCase {
  /** The adapter's name in test titles. */
  name: string;
  /** The chaos emulator that speaks its protocol. */
  protocol: ChaosProtocol;
  /** `provider:model`, as `inferModel` takes it. */
  modelId: string;
  /** The emulator's error, sent out of band to a whole-answer request: its status and kind. */
  errorFrame: { status: number; kind: string };
  /**
   * A content filter before any text: Gemini's candidate then has no content at all, which its adapter
   * raises as a `content_filter` failure; the other protocols answer empty with that finish reason.
   */
  withheldBeforeText: 'error' | 'empty answer';
}

export const ADAPTERS: readonly AdapterCase[] = [
  {
    name: 'openai-chat',
    protocol: 'openai',
    modelId: 'openai:gpt-4o',
    errorFrame: { status: 500, kind: 'server' },
    withheldBeforeText: 'empty answer',
  },
  {
    name: 'openai-responses',
    protocol: 'openai-responses',
    modelId: 'openai-responses:gpt-4o',
    errorFrame: { status: 500, kind: 'server' },
    withheldBeforeText: 'empty answer',
  },
  {
    name: 'anthropic',
    protocol: 'anthropic',
    modelId: 'anthropic:claude-sonnet-4-5',
    errorFrame: { status: 529, kind: 'overloaded' },
    withheldBeforeText: 'empty answer',
  },
  {
    name: 'google',
    protocol: 'gemini',
    modelId: 'google-gla:gemini-2.5-flash',
    errorFrame: { status: 503, kind: 'overloaded' },
    withheldBeforeText: 'error',
  },
  {
    name: 'bedrock',
    protocol: 'bedrock',
    // A Bedrock API key travels as a bearer token, so no SigV4 credentials are needed here.
    modelId: 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0',
    errorFrame: { status: 503, kind: 'overloaded' },
    withheldBeforeText: 'empty answer',
  },
];
