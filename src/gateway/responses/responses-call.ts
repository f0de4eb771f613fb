/**
 * A Responses request after reading: the ChatCall every protocol makes, plus what the Responses answer
 * must say back — whether reasoning goes out with its encrypted content, and the request fields a
 * `response` object echoes (OpenAI's answer restates them, and clients read some of them back).
 */
import type { ChatCall } from '../routing/chat-call.ts';
import type { NamespacedTools } from './namespaced-tools.ts';

export interface ResponsesCall extends ChatCall {
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry what goes back to their provider. */
  includeEncryptedReasoning: boolean;
  /**
   * The echoed request fields (`"instructions":…,"tools":…,"top_p":…`) as JSON object members, written
   * once: a stream repeats them in response.created, in_progress and completed, and Codex's tools alone
   * are kilobytes.
   */
  echoJson: string;
  /** Flattened namespace tools, to give their calls back their namespace; undefined when there are none. */
  namespacedTools: NamespacedTools | undefined;
}
