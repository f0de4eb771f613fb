/**
 * Scripted tool arguments: a scenario may say what a tool is called with (`toolArgs: { exec_command:
 * { cmd: 'cat notes.txt' } }`) instead of the placeholder values built from the tool's schema. A coding
 * agent driven through the emulators then does real work on its tool turn — Codex runs the command and
 * sends its output back — so a test sees a whole agent loop rather than a call to run `example`.
 */
import { type Answer, tokenize } from './answers.ts';

/** Scripted arguments by tool name (the scenario's `toolArgs`). */
export type ToolArgs = Record<string, Record<string, unknown>>;

/**
 * The answer with each call of a scripted tool given its scripted arguments (pieces and token count
 * follow); the answer itself when nothing is scripted for its calls.
 *
 * @example
 * scriptToolCalls(answer, { exec_command: { cmd: 'cat notes.txt' } }).toolCalls[0].argumentsJson
 * // '{"cmd":"cat notes.txt"}'
 */
export function scriptToolCalls(answer: Answer, toolArgs: ToolArgs | undefined): Answer {
  if (toolArgs === undefined || answer.toolCalls.length === 0) return answer;
  let outputTokens = answer.outputTokens;
  const toolCalls = answer.toolCalls.map((call) => {
    const args = Object.hasOwn(toolArgs, call.name) ? toolArgs[call.name] : undefined;
    if (args === undefined) return call;
    const argumentsJson = JSON.stringify(args);
    const pieces = tokenize(argumentsJson);
    outputTokens += pieces.length - call.pieces.length;
    return { name: call.name, args, argumentsJson, pieces };
  });
  return { ...answer, toolCalls, outputTokens };
}
