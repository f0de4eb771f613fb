/** What `understudy ask` accepts; ask-command.ts runs it. */
import { defineCommand } from '../command-line/spec.ts';

export const ASK_COMMAND = defineCommand({
  name: 'ask',
  summary: 'one question through a FallbackModel, the answer on stdout',
  description: `Sends one prompt to --model and, when it fails, to each --fallback in turn; prints the
    answer of the first that succeeds. Keys and base URLs come from the environment, as the providers'
    own SDKs read them (OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ...). With --verbose, the
    attempt trace (who failed how, who served, tokens, cost) goes to stderr.`,
  positionals: {
    name: 'prompt',
    description: 'the question; several words are joined with spaces',
    required: true,
  },
  options: {
    model: {
      type: 'string',
      short: 'm',
      valueName: 'provider:model',
      required: true,
      description: 'the model to ask first, e.g. openai:gpt-4o',
    },
    fallback: {
      type: 'string',
      short: 'f',
      multiple: true,
      valueName: 'provider:model',
      description: 'a model to ask when the ones before it fail',
    },
    system: { type: 'string', short: 's', valueName: 'text', description: 'a system prompt' },
    stream: { type: 'boolean', default: false, description: 'print the answer as it streams in' },
    verbose: {
      type: 'boolean',
      short: 'v',
      default: false,
      description: 'print the attempt trace to stderr',
    },
    'max-tokens': { type: 'string', valueName: 'n', description: 'the most tokens the answer may use' },
    timeout: {
      type: 'string',
      valueName: 'ms',
      description: 'give up on an attempt after this many milliseconds',
    },
  },
  examples: [
    'understudy ask "What is a circuit breaker?" --model openai:gpt-4o',
    'understudy ask "Say hello" -m openai:gpt-4o -f anthropic:claude-sonnet-4-5 --stream -v',
  ],
});
