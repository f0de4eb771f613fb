/** What `understudy demo` accepts; demo-command.ts runs it. */
import { defineCommand } from '../command-line/spec.ts';

export const DEMO_COMMAND = defineCommand({
  name: 'demo',
  summary: 'fallback across three failing local upstreams, live in the terminal',
  description: `Starts three local chaos upstreams — a flaky OpenAI, an Anthropic that is overloaded
    for its first 4 seconds, a healthy Gemini — and sends requests through one FallbackModel over them,
    printing each request's attempt chain and breaker changes as they happen, then a summary. No keys,
    no network; it stops by itself, or cleanly on Ctrl-C.`,
  options: {
    requests: { type: 'string', valueName: 'n', default: '30', description: 'how many requests to send' },
    concurrency: { type: 'string', valueName: 'n', default: '3', description: 'requests in flight at once' },
    'interval-ms': {
      type: 'string',
      valueName: 'ms',
      default: '250',
      description: 'pause after each request, per sender',
    },
  },
  examples: ['understudy demo', 'understudy demo --requests 100 --concurrency 8 --interval-ms 50'],
});
