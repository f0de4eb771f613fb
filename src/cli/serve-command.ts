/**
 * `understudy serve [--config understudy.yaml] [--port 8787] [--host 127.0.0.1] [--workers N]`: runs the
 * gateway until SIGINT or SIGTERM, then closes it gracefully (in-flight requests finish).
 * Without `--config`, `understudy.yaml` in the working directory is used when present, else the
 * embedded default (keys from the environment, or the chaos demo).
 *
 * @example
 * process.exitCode = await runServeCommand(['--config', 'understudy.yaml', '--port', '8787']);
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { embeddedDefaultBanner, providerKeysInEnv } from '../gateway/config/embedded-default.ts';
import { loadConfigFile } from '../gateway/config/load-config.ts';
import { type Gateway, type StartGatewayOptions, startGateway } from '../gateway/index.ts';
import type { ClusterWorkerState } from '../gateway/state/cluster.ts';
import { parseCommandLine } from './command-line/parse.ts';
import { portNumber, wholeNumber } from './command-line/values.ts';
import { clientHint, sendDemoTraffic, showLiveRequests } from './serve-demo.ts';
import { SERVE_COMMAND } from './specs/serve.ts';

/** Requests the demo sends itself at start, so the live view has something to show at once. */
const DEMO_REQUESTS = 12;

/** Runs the serve command line (options in specs/serve.ts); resolves to the exit code once stopped. */
export async function runServeCommand(argv: string[]): Promise<number> {
  const line = parseCommandLine(SERVE_COMMAND, argv);
  if (line.kind === 'help') {
    process.stdout.write(line.text);
    return 0;
  }
  const { values } = line;
  const port = portNumber(values.port);
  const config = values.config ?? (existsSync('understudy.yaml') ? 'understudy.yaml' : undefined);
  // One Node process uses one core: by default, one worker per core — except for the demo (no config,
  // no keys), whose chaos upstreams live inside the process and whose live view wants one process.
  const demo = config === undefined && providerKeysInEnv(process.env).length === 0;
  const defaultWorkers = demo ? 1 : availableParallelism();
  const workers =
    values.workers === undefined ? defaultWorkers : wholeNumber(values.workers, '--workers', { min: 1 });
  const options: StartGatewayOptions = { config, port, host: values.host };

  const serveOne = async (siblingState?: ClusterWorkerState): Promise<number> => {
    // A signal that arrives while the gateway is still starting must not be lost: remember it, and stop
    // as soon as there is something to stop.
    let stopEarly = false;
    const early = (): void => {
      stopEarly = true;
    };
    process.on('SIGINT', early);
    process.on('SIGTERM', early);
    let gateway: Gateway;
    try {
      gateway = await startGateway({ ...options, siblingState });
    } finally {
      process.off('SIGINT', early);
      process.off('SIGTERM', early);
    }
    siblingState?.ready();
    const who = siblingState ? `understudy worker ${process.pid}` : 'understudy gateway';
    process.stderr.write(
      `${who} listening on ${gateway.url} (OpenAI: ${gateway.url}/v1, Anthropic: ${gateway.url})\n`,
    );
    const demoTraffic = new AbortController();
    if (gateway.demo && workers === 1) {
      showLiveRequests(gateway);
      void sendDemoTraffic(gateway.url, DEMO_REQUESTS, demoTraffic.signal).then(() => {
        if (!demoTraffic.signal.aborted) process.stdout.write(clientHint(gateway.url));
      });
    }
    return new Promise<number>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        demoTraffic.abort();
        gateway.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      if (stopEarly) stop();
    });
  };

  if (workers > 1) {
    // Loaded only when used: a single process needs no cluster machinery.
    const [{ startCluster }, { default: cluster }] = await Promise.all([
      import('../gateway/state/cluster.ts'),
      import('node:cluster'),
    ]);
    // The mode line opens the log once, from the primary, not once per worker after its start-up line.
    if (cluster.isPrimary && config === undefined)
      process.stderr.write(`${embeddedDefaultBanner(process.env)}\n`);
    // A config that cannot be read or is invalid fails every worker the same way, and the primary would
    // restart them forever: check it once before forking, so the command fails (exit 1) and says why.
    if (cluster.isPrimary && config !== undefined) await loadConfigFile(config);
    options.logBanner = false;
    return startCluster({ workers, startWorker: serveOne });
  }
  return serveOne();
}
