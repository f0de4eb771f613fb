/**
 * A cluster for cluster.test.ts: run as `node cluster-fixture.ts <port> <workers>`. Each worker serves
 * the shared port and, on a port of its own, a tiny control API over its breaker (backed by the worker's
 * IpcHealthStore) and its events (`/emit` finishes one request for the metrics), and prints `ready <pid> <control port>` when both listen.
 */
import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import type { GatewayEventMap } from '../../../src/gateway/events.ts';
import { createGatewayMetrics } from '../../../src/gateway/metrics/gateway-metrics.ts';
import { startCluster } from '../../../src/gateway/state/cluster.ts';
import { finished } from '../metrics/sample-events.ts';

const [port, workers] = process.argv.slice(2).map(Number);

function listen(server: Server, listenPort: number, exclusive: boolean): Promise<number> {
  return new Promise((resolve) => {
    server.listen({ port: listenPort, host: '127.0.0.1', exclusive }, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}

const code = await startCluster({
  workers: workers ?? 2,
  drainTimeoutMs: 5000,
  log: (line) => process.stdout.write(`log ${line}\n`),
  async startWorker({ healthStore, rateLimitStore, ready }) {
    const events = new EventEmitter<GatewayEventMap>();
    const metrics = createGatewayMetrics(events, { processMetrics: false });
    const breaker = new CircuitBreaker({
      store: healthStore,
      failureThreshold: 3,
      cooldownMs: 60_000,
      onChange: (change) => events.emit('breaker-changed', change),
    });
    const control = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const key = url.searchParams.get('key') ?? 'm';
      if (url.pathname === '/fail') await breaker.onFailure(key, 'server');
      if (url.pathname === '/emit') events.emit('request-finished', finished());
      if (url.pathname === '/hit') {
        res.end(
          JSON.stringify(await rateLimitStore.hit({ key: 'rpm:k', windowMs: 60_000, cost: 1, limit: 5 })),
        );
        return;
      }
      const record = await healthStore.get(key);
      res.end(
        JSON.stringify({ pid: process.pid, state: record?.state ?? 'none', admit: await breaker.admit(key) }),
      );
    });
    const shared = createServer((req, res) => {
      if (req.url === '/metrics') void metrics.route.handle(req, res);
      else res.end(String(process.pid));
    });
    const controlPort = await listen(control, 0, true);
    await listen(shared, port ?? 0, false);
    ready();
    process.stdout.write(`ready ${process.pid} ${controlPort}\n`);
    return new Promise<number>((resolve) => {
      process.once('SIGTERM', () => {
        // Drain: stop accepting, let in-flight requests finish.
        control.close();
        shared.close(() => resolve(0));
        control.closeAllConnections();
        shared.closeIdleConnections();
      });
    });
  },
});
if (cluster.isPrimary) process.stdout.write(`primary exited ${code}\n`);
process.exitCode = code;
