/**
 * `understudy chaos`: runs one chaos upstream in the foreground until SIGINT/SIGTERM.
 *
 * @example
 * understudy chaos --protocol anthropic --port 9002 --scenario examples/chaos/flaky.yaml
 * understudy chaos --protocol openai --fault 'status:429;retry-after=2'
 */
import { parseArgs } from 'node:util';
import { FAULT_SYNTAX } from '../chaos/fault-spec.ts';
import type { ChaosProtocol } from '../chaos/protocols/protocol.ts';
import { loadScenarioFile, parseScenario, type Scenario } from '../chaos/scenario.ts';
import { startChaosServer } from '../chaos/server.ts';

const HELP = `understudy chaos — a local OpenAI / Anthropic / Gemini / Bedrock API that fails on command

Options:
  --protocol <openai|openai-responses|anthropic|gemini|bedrock>
                                         the wire protocol (default openai)
  --port <n>                             port to listen on (default 0: any free port)
  --host <addr>                          address to listen on (default 127.0.0.1)
  --scenario <file.yaml>                 faults, answers and latency (see examples/chaos/)
  --fault <spec>                         one fault for every request (overrides the scenario's)

Per request, the header 'x-chaos: <spec>' picks the fault. Fault specs:
  ${FAULT_SYNTAX.join('\n  ')}
`;

const PROTOCOLS: readonly ChaosProtocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini', 'bedrock'];

/** Where the command writes and what stops it; tests pass their own. */
export interface ChaosCommandIO {
  write?: (text: string) => void;
  /** Stops the server when aborted; default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Called once the server listens, with its base URL. */
  onListening?: (url: string) => void;
}

/**
 * Runs the chaos command line; resolves to the exit code once stopped.
 *
 * @example
 * process.exitCode = await runChaosCommand(['--protocol', 'gemini', '--port', '9003']);
 */
export async function runChaosCommand(argv: string[], io: ChaosCommandIO = {}): Promise<number> {
  const write = io.write ?? ((text: string) => process.stdout.write(text));
  const { values } = parseArgs({
    args: argv,
    options: {
      protocol: { type: 'string', default: 'openai' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string' },
      fault: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    write(HELP);
    return 0;
  }
  const protocol = values.protocol as ChaosProtocol;
  if (!PROTOCOLS.includes(protocol)) throw new Error(`--protocol must be one of ${PROTOCOLS.join(', ')}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be a port number');

  let scenario: Scenario = values.scenario
    ? await loadScenarioFile(values.scenario)
    : parseScenario(undefined);
  if (values.fault !== undefined) scenario = parseScenario({ ...scenario, fault: values.fault }, '--fault');

  const server = await startChaosServer({ protocol, port, host: values.host, scenario });
  write(`chaos ${protocol} upstream listening on ${server.url}\n`);
  io.onListening?.(server.url);

  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  const faults = Object.entries(server.stats.faults)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(' ');
  write(`chaos stopped after ${server.stats.requests} requests${faults ? ` (faults: ${faults})` : ''}\n`);
  return 0;
}
