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
import { parseArgs } from 'node:util';
import { embeddedDefaultBanner, providerKeysInEnv } from '../gateway/config/embedded-default.ts';
import { type Gateway, type StartGatewayOptions, startGateway } from '../gateway/index.ts';
import type { ClusterWorkerState } from '../gateway/state/cluster.ts';
import { clientHint, sendDemoTraffic, showLiveRequests } from './serve-demo.ts';

/** Requests the demo sends itself at start, so the live view has something to show at once. */
const DEMO_REQUESTS = 12;

const USAGE = `understudy serve [--config FILE] [--port 8787] [--host 127.0.0.1] [--workers N]`;

export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      workers: { type: 'string', short: 'w' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, not '${values.port}'`);
  const config = values.config ?? (existsSync('understudy.yaml') ? 'understudy.yaml' : undefined);
  // One Node process uses one core: by default, one worker per core — except for the demo (no config,
  // no keys), whose chaos upstreams live inside the process and whose live view wants one process.
  const demo = config === undefined && providerKeysInEnv(process.env).length === 0;
  const defaultWorkers = demo ? 1 : availableParallelism();
  const workers = values.workers === undefined ? defaultWorkers : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers must be a positive whole number, not '${values.workers}'`);
  const options: StartGatewayOptions = { config, port, host: values.host ?? '127.0.0.1' };

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
    options.logBanner = false;
    return startCluster({ workers, startWorker: serveOne });
  }
  return serveOne();
}
