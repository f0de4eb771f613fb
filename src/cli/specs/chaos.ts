/** What `understudy chaos` accepts; chaos-command.ts runs it. */
import { FAULT_SYNTAX } from '../../chaos/fault-spec.ts';
import type { ChaosProtocol } from '../../chaos/protocols/protocol.ts';
import { defineCommand } from '../command-line/spec.ts';

const CHAOS_PROTOCOLS: readonly ChaosProtocol[] = [
  'openai',
  'openai-responses',
  'anthropic',
  'gemini',
  'bedrock',
];

export const CHAOS_COMMAND = defineCommand({
  name: 'chaos',
  summary: 'a local provider API (OpenAI, Anthropic, Gemini, Bedrock) that fails on command',
  description: `Runs one emulated provider API in the foreground until Ctrl-C or SIGTERM. It answers
    like the real one — same request, response, stream and error shapes — and injects the faults you
    ask for: a status, a reset, a hang, a stream cut short. Point a client's base URL at it to see how
    the client copes.`,
  options: {
    protocol: {
      type: 'string',
      valueName: 'name',
      choices: CHAOS_PROTOCOLS,
      default: 'openai',
      description: 'the wire protocol to speak',
    },
    port: {
      type: 'string',
      short: 'p',
      valueName: 'n',
      default: '0',
      description: 'port to listen on; 0 picks a free one',
    },
    host: { type: 'string', valueName: 'addr', default: '127.0.0.1', description: 'address to listen on' },
    scenario: {
      type: 'string',
      valueName: 'file.yaml',
      description: 'faults, answers and latency per model and over time (see examples/chaos/)',
    },
    fault: {
      type: 'string',
      valueName: 'spec',
      description: "one fault for every request, replacing the scenario's",
    },
  },
  notes: `Faults (for --fault, the scenario file, or a request's 'x-chaos: <spec>' header):
  ${FAULT_SYNTAX.join('\n  ')}
Combine pacing with '+', e.g. slow-first-token:200+cut-after:3.`,
  examples: [
    'understudy chaos --protocol anthropic --port 9002 --scenario examples/chaos/flaky.yaml',
    "understudy chaos --protocol openai --fault 'status:429;retry-after=2'",
  ],
});
