/** What `understudy serve` accepts; serve-command.ts runs it. */
import { defineCommand } from '../command-line/spec.ts';

export const SERVE_COMMAND = defineCommand({
  name: 'serve',
  summary: 'the OpenAI- and Anthropic-compatible gateway',
  description: `Runs the gateway until Ctrl-C or SIGTERM, then closes it gracefully: requests in flight
    finish. Clients use it as http://HOST:PORT/v1 (OpenAI) or http://HOST:PORT (Anthropic); the status
    page is at / and Prometheus metrics at /metrics.

    Without --config, ./understudy.yaml is used when present; otherwise every 'provider:model' id is
    served with the provider keys found in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), and
    with no keys at all the gateway runs a demo over local chaos upstreams.`,
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'file',
      description: 'the gateway config: providers, routes, client keys',
      defaultText: './understudy.yaml when present',
    },
    port: {
      type: 'string',
      short: 'p',
      valueName: 'n',
      default: '8787',
      description: 'port to listen on; 0 picks a free one',
    },
    host: {
      type: 'string',
      valueName: 'addr',
      default: '127.0.0.1',
      description: 'address to listen on; 0.0.0.0 for every interface',
    },
    workers: {
      type: 'string',
      short: 'w',
      valueName: 'n',
      description: 'processes serving the port, sharing breaker and rate-limit state',
      defaultText: 'one per core; 1 for the demo',
    },
  },
  examples: [
    'understudy serve',
    'understudy serve --config examples/understudy.yaml --port 8787 --workers 4',
    'OPENAI_API_KEY=sk-... understudy serve --host 0.0.0.0',
  ],
});
