/**
 * A Responses request after reading: the ChatCall every protocol makes, plus what the Responses answer
 * must say back — whether reasoning goes out with its encrypted content, and the request fields a
 * `response` object echoes (OpenAI's answer restates them, and clients read some of them back).
 */
import type { ChatCall } from '../routing/chat-call.ts';

export interface ResponsesEcho {
  instructions: string | null;
  maxOutputTokens: number | null;
  parallelToolCalls: boolean;
  reasoning: { effort: string | null; summary: string | null };
  temperature: number | null;
  topP: number | null;
  text: unknown;
  toolChoice: unknown;
  tools: unknown[];
}

export interface ResponsesCall extends ChatCall {
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry what goes back to their provider. */
  includeEncryptedReasoning: boolean;
  echo: ResponsesEcho;
}
