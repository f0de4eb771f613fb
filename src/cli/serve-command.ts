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
import { parseArgs } from 'node:util';
import { type StartGatewayOptions, startGateway } from '../gateway/index.ts';

const USAGE = `understudy serve [--config FILE] [--port 8787] [--host 127.0.0.1] [--workers N]`;

/**
 * What src/gateway/state/cluster.ts provides for `--workers N` (N > 1): runs N processes behind one
 * port, each calling `startWorker()`, and resolves with the exit code once they have stopped.
 */
export type StartCluster = (options: {
  workers: number;
  startWorker: () => Promise<unknown>;
}) => Promise<number>;

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
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers must be a positive whole number, not '${values.workers}'`);
  const config = values.config ?? (existsSync('understudy.yaml') ? 'understudy.yaml' : undefined);
  const options: StartGatewayOptions = { config, port, host: values.host ?? '127.0.0.1' };

  const serveOne = async (): Promise<number> => {
    const gateway = await startGateway(options);
    process.stderr.write(
      `understudy gateway listening on ${gateway.url} (OpenAI: ${gateway.url}/v1, Anthropic: ${gateway.url})\n`,
    );
    return new Promise<number>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        gateway.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  };

  if (workers > 1) {
    // The cluster module lives with the shared state it needs (src/gateway/state/); loaded only when used.
    const clusterModule = '../gateway/state/cluster.ts';
    const { startCluster } = (await import(clusterModule)) as { startCluster: StartCluster };
    return startCluster({ workers, startWorker: serveOne });
  }
  return serveOne();
}
