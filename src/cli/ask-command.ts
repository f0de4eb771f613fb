/**
 * `understudy ask "prompt" --model openai:gpt-4o --fallback anthropic:claude-sonnet-4-5 [--stream] [-v]`:
 * one question through a FallbackModel, the answer on stdout and, with -v, the attempt trace on stderr.
 * Keys and base URLs come from the environment, as for `inferModel`.
 */
import { UserError } from '../core/errors/index.ts';
import {
  type Attempt,
  type ModelResponse,
  responseText,
  systemPrompt,
  userPrompt,
} from '../core/messages.ts';
import { FallbackModel } from '../registry/index.ts';
import { closeUpstreamConnections } from '../transport/client.ts';
import { parseCommandLine } from './command-line/parse.ts';
import { positiveNumber, wholeNumber } from './command-line/values.ts';
import { ASK_COMMAND } from './specs/ask.ts';

/** Runs the ask command line (options in specs/ask.ts); resolves to the exit code. */
export async function runAskCommand(argv: string[]): Promise<number> {
  const line = parseCommandLine(ASK_COMMAND, argv);
  if (line.kind === 'help') {
    process.stdout.write(line.text);
    return 0;
  }
  const { values, positionals } = line;
  const prompt = positionals.join(' ').trim();
  const timeoutMs = values.timeout === undefined ? undefined : positiveNumber(values.timeout, '--timeout');
  const parts = values.system ? [systemPrompt(values.system), userPrompt(prompt)] : [userPrompt(prompt)];
  const messages = [{ kind: 'request' as const, parts }];
  const settings = values['max-tokens']
    ? { maxTokens: wholeNumber(values['max-tokens'], '--max-tokens', { min: 1 }) }
    : {};
  // Built after every option is checked: building it resolves providers and keys, which can fail too.
  const model = new FallbackModel(values.model, ...(values.fallback ?? []), { timeoutMs });

  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new UserError('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    let response: ModelResponse;
    if (values.stream) {
      const stream = await model.requestStream(messages, { ...settings, signal: interrupt.signal });
      for await (const event of stream) {
        if (event.kind === 'part-start' && event.part.partKind === 'text')
          process.stdout.write(event.part.content);
        if (event.kind === 'part-delta' && event.delta.partKind === 'text')
          process.stdout.write(event.delta.contentDelta);
      }
      process.stdout.write('\n');
      response = stream.get();
    } else {
      response = await model.request(messages, { ...settings, signal: interrupt.signal });
      process.stdout.write(`${responseText(response)}\n`);
    }
    if (values.verbose) process.stderr.write(traceText(response));
    return 0;
  } catch (error) {
    if (values.verbose) {
      const attempts = (error as { attempts?: Attempt[] }).attempts;
      if (attempts) process.stderr.write(attemptLines(attempts));
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await closeUpstreamConnections();
  }
}

/** The -v trace: who served, at what cost, and every attempt on the way. */
export function traceText(response: ModelResponse): string {
  const { usage } = response;
  const cost = usage.cost === undefined ? 'unknown price' : `$${usage.cost.toFixed(6)}`;
  return (
    `served by ${response.providerName}:${response.modelName} — ${usage.inputTokens} in / ${usage.outputTokens} out, ${cost}, finish ${response.finishReason ?? '?'}\n` +
    attemptLines(response.attempts ?? [])
  );
}

function attemptLines(attempts: Attempt[]): string {
  return attempts
    .map((a, i) => {
      const detail =
        a.outcome === 'error' ? ` ${a.errorKind ?? ''}${a.statusCode ? ` (${a.statusCode})` : ''}` : '';
      return `  ${i + 1}. ${a.providerName}:${a.modelName} ${a.outcome}${detail} ${Math.round(a.durationMs)} ms\n`;
    })
    .join('');
}
