/**
 * `understudy chaos`: runs one chaos upstream in the foreground until SIGINT/SIGTERM.
 *
 * @example
 * understudy chaos --protocol anthropic --port 9002 --scenario examples/chaos/flaky.yaml
 * understudy chaos --protocol openai --fault 'status:429;retry-after=2'
 */
import type { Scenario } from '../chaos/scenario.ts';
import { loadScenarioFile, parseScenario } from '../chaos/scenario.ts';
import { startChaosServer } from '../chaos/server.ts';
import { parseCommandLine } from './command-line/parse.ts';
import { UsageError } from './command-line/usage-error.ts';
import { portNumber } from './command-line/values.ts';
import { CHAOS_COMMAND } from './specs/chaos.ts';

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
  const line = parseCommandLine(CHAOS_COMMAND, argv);
  if (line.kind === 'help') {
    write(line.text);
    return 0;
  }
  const { values } = line;
  const { protocol } = values;
  const port = portNumber(values.port);

  let scenario: Scenario = values.scenario
    ? await loadScenarioFile(values.scenario)
    : parseScenario(undefined);
  if (values.fault !== undefined) scenario = withFault(scenario, values.fault);

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

/** The scenario with `--fault` in place of its own; a fault that does not parse is a usage error. */
function withFault(scenario: Scenario, fault: string): Scenario {
  try {
    return parseScenario({ ...scenario, fault }, '--fault');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
