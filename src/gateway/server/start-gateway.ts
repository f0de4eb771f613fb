/**
 * Starts the gateway: loads the config (a file, an object, or the embedded default), listens on one
 * port, and reloads on SIGHUP or when the file changes — in-flight requests finish on the config they
 * started with, a bad new config is logged and the old one kept.
 *
 * @example
 * const gateway = await startGateway({ config: 'understudy.yaml', port: 8787 });
 * gateway.events.on('request-finished', (r) => console.log(r.route, r.status, r.latencyMs));
 * await gateway.close();
 */
import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker } from '../../fallback/breaker/circuit-breaker.ts';
import { type HealthStore, InMemoryHealthStore } from '../../fallback/breaker/health-store.ts';
import { closeUpstreamConnections, setUpstreamConnectionLimit } from '../../transport/client.ts';
import { embeddedDefault, providerKeysInEnv } from '../config/embedded-default.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { type GatewayConfig, type GatewayConfigInput, gatewayConfigSchema } from '../config/schema.ts';
import { maskSecretValues } from '../errors/scrub.ts';
import type { GatewayEventMap } from '../events.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { InMemoryRateLimitStore, type RateLimitStore } from '../state/rate-limit-store.ts';
import { createObservability } from '../status/observability.ts';
import { buildContext, type SharedParts } from './build-context.ts';
import type { GatewayContext } from './context.ts';
import { createGatewayHandler, type GatewayHandler } from './handler.ts';
import { isLoopbackAddress } from './host-check.ts';
import type { ExtraRoute } from './http-types.ts';
import { InFlightCalls } from './in-flight.ts';
import { openPlatform } from './platform.ts';

/** Stores shared by several gateway processes (Redis), made from the config's `redis:` URL. */
export type SharedStateFactory = (redisUrl: string) => Promise<{
  healthStore: HealthStore;
  rateLimitStore: RateLimitStore;
  close(): Promise<void>;
}>;

export interface StartGatewayOptions {
  /** A config file path, a config object, or undefined for the embedded default. */
  config?: string | GatewayConfigInput | undefined;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where keys and `UNDERSTUDY_CLIENT_KEYS` are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Breaker state; default in memory (or from `sharedState` when the config names Redis). */
  healthStore?: HealthStore;
  /** Per-key rate-limit counters; default in memory (or from `sharedState`). */
  rateLimitStore?: RateLimitStore;
  /** Makes the Redis stores when the config has `redis:` and no stores were passed. Default: ioredis. */
  sharedState?: SharedStateFactory;
  /**
   * Stores shared with sibling processes without Redis (the `--workers` cluster's, through its primary).
   * Used when the config names no Redis; Redis, when configured, is what the whole fleet agrees on.
   */
  siblingState?: { healthStore: HealthStore; rateLimitStore: RateLimitStore };
  /** More routes served beside the API (the status page, /metrics). */
  extraRoutes?: ExtraRoute[];
  /** Reload when the config file changes (default true for a file). SIGHUP always reloads. */
  watchConfig?: boolean;
  /** Operator log lines; default stderr. */
  log?: (line: string) => void;
  /**
   * Log the embedded default's mode line (demo, or keys from the environment) when there is no config.
   * Default true; the workers of a cluster leave it to the primary, which prints it once, first.
   */
  logBanner?: boolean;
  /**
   * A client must finish sending its headers within this (ms), or its connection is closed: a slowloris
   * client cannot hold a socket. Default 10 s.
   */
  headersTimeoutMs?: number;
  /** A client must finish sending its whole request (headers and body) within this (ms). Default 30 s. */
  requestTimeoutMs?: number;
}

export interface Gateway {
  /** `http://host:port`, with no trailing slash. */
  url: string;
  /** True when serving the embedded chaos demo. */
  demo: boolean;
  events: EventEmitter<GatewayEventMap>;
  /** The request handler, for in-process use with `inject()`. */
  handler: GatewayHandler;
  /** The request ledger (`flush()` writes what is queued now; `store` reads it back). */
  ledger: Ledger;
  /** Re-reads the config file (or validates a new config object) and swaps it in; throws when it is bad. */
  reload(next?: GatewayConfigInput): Promise<void>;
  /**
   * Stops accepting connections and lets in-flight requests finish; those still running after the drain
   * timeout (`server.drainTimeoutMs` in the config, default 10 s) are ended with an error the client sees
   * — a 503, or an error frame in a started stream. Then releases everything.
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

export async function startGateway(options: StartGatewayOptions = {}): Promise<Gateway> {
  const closers: Array<() => Promise<void>> = [];
  try {
    return await openGateway(options, closers);
  } catch (error) {
    // A port in use, Redis unreachable, a config that builds no context: what was already opened (the
    // demo's local upstreams, a Redis connection) would otherwise keep the process alive with no server.
    for (const close of closers) await close().catch(() => {});
    throw error;
  }
}

async function openGateway(
  options: StartGatewayOptions,
  closers: Array<() => Promise<void>>,
): Promise<Gateway> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const path = typeof options.config === 'string' ? options.config : undefined;

  // Keys from the environment are masked by value in anything sent to a client or a log.
  maskSecretValues(providerKeysInEnv(env).map((name) => env[name]));
  let config: GatewayConfig;
  let demo = false;
  if (path) config = await loadConfigFile(path);
  else if (options.config) config = gatewayConfigSchema.parse(options.config);
  else {
    const fallback = await embeddedDefault(env);
    config = fallback.config;
    demo = fallback.demo;
    closers.push(fallback.close);
    if (options.logBanner ?? true) log(fallback.banner);
  }

  let healthStore = options.healthStore;
  let rateLimitStore = options.rateLimitStore;
  if (config.redis && (!healthStore || !rateLimitStore)) {
    const factory: SharedStateFactory =
      options.sharedState ??
      (async (url) => (await import('../state/redis-shared-state.ts')).createRedisSharedState(url, { log }));
    const shared = await factory(config.redis);
    healthStore ??= shared.healthStore;
    rateLimitStore ??= shared.rateLimitStore;
    closers.push(shared.close);
  }
  healthStore ??= options.siblingState?.healthStore;
  rateLimitStore ??= options.siblingState?.rateLimitStore;
  const events = new EventEmitter<GatewayEventMap>();
  const store = healthStore ?? new InMemoryHealthStore();
  // /metrics and the status page (GET /) observe the gateway only through its events.
  const observability = createObservability(events, { healthStore: store });
  closers.push(async () => observability.close());
  // The ledger is written last on close (after the drain), so the requests that finished draining are in it.
  const platform = await openPlatform(config, { events, registry: observability.metrics.registry, log });
  closers.push(() => platform.close());
  const shared: SharedParts = {
    env,
    healthStore: store,
    rateLimitStore: rateLimitStore ?? new InMemoryRateLimitStore(),
    breaker: new CircuitBreaker({ store, onChange: (change) => events.emit('breaker-changed', change) }),
    events,
    extraRoutes: [...observability.routes, ...(options.extraRoutes ?? [])],
    log,
    inFlight: new InFlightCalls(),
    // Until the server listens, assume loopback: the Host check on is the safe side to start from.
    boundTo: '127.0.0.1',
    platform,
  };
  if (!options.rateLimitStore) closers.push(() => shared.rateLimitStore.close());

  // Process-wide, like the upstream pools it sizes: set only when the config names it, so a gateway
  // without the key leaves the process's setting alone.
  // The cap holds for new pools at once; the pools it replaces finish what they carry (a stream may take
  // minutes), so nothing waits for them.
  const applyConnectionLimit = (limit: number | undefined): void => {
    setUpstreamConnectionLimit(limit).catch((error: unknown) =>
      log(
        `closing the previous upstream pools failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  };
  let connectionLimit = config.server?.upstreamConnectionsPerOrigin;
  if (connectionLimit !== undefined) applyConnectionLimit(connectionLimit);
  let context: GatewayContext = buildContext(config, shared);
  const handler = createGatewayHandler(() => context);
  // Only the request's arrival is bounded: a long streamed answer is not, whatever its length.
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  const serverOptions = {
    keepAliveTimeout: 65_000,
    headersTimeout,
    requestTimeout,
    // Node checks these deadlines on this interval (30 s by default, which would let a slow client stay).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
  };
  const server: Server = createServer(serverOptions, (req, res) => {
    void handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  shared.boundTo = address.address;
  // Bound elsewhere than loopback (0.0.0.0, a LAN address): the context without the Host check. This runs
  // before the server can take its first request (one microtask after 'listening').
  if (!isLoopbackAddress(address.address)) context = buildContext(config, shared);

  const reload = async (next?: GatewayConfigInput): Promise<void> => {
    const fresh = next ? gatewayConfigSchema.parse(next) : path ? await loadConfigFile(path) : undefined;
    if (!fresh) return;
    context = buildContext(fresh, shared);
    if (fresh.database !== config.database)
      log(
        'config reload: database: changed, which takes a restart; the ledger keeps its database until then',
      );
    config = fresh;
    const limit = fresh.server?.upstreamConnectionsPerOrigin;
    if (limit !== connectionLimit) {
      connectionLimit = limit;
      applyConnectionLimit(limit);
    }
  };
  const reloadLogged = (why: string): void => {
    reload().then(
      () => log(`config reloaded (${why})`),
      (error: unknown) =>
        log(
          `config reload failed (${why}); keeping the previous config: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  };
  const onHangup = (): void => reloadLogged('SIGHUP');
  process.on('SIGHUP', onHangup);
  let watcher: FSWatcher | undefined;
  if (path && options.watchConfig !== false) {
    let timer: NodeJS.Timeout | undefined;
    // Editors write a file in several steps: wait for the writes to settle before reading it.
    watcher = watch(path, () => {
      clearTimeout(timer);
      timer = setTimeout(() => reloadLogged('file changed'), 100);
    });
    watcher.unref();
  }

  return {
    url: `http://${host}:${address.port}`,
    demo,
    events,
    handler,
    ledger: platform.ledger,
    reload,
    async close(closeOptions = {}) {
      process.off('SIGHUP', onHangup);
      watcher?.close();
      const drainMs =
        closeOptions.drainTimeoutMs ?? config.server?.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
      const drainTimer = setTimeout(() => {
        if (shared.inFlight.size > 0)
          log(`drain timeout (${drainMs} ms): ending ${shared.inFlight.size} request(s)`);
        shared.inFlight.abortAll();
      }, drainMs);
      await new Promise<void>((resolve) => {
        // A keep-alive connection whose request finishes after close() turns idle and would hold the
        // server open until its keep-alive timeout (65 s): close each one as soon as it is idle.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(drainTimer);
          resolve();
        });
        server.closeIdleConnections();
      });
      for (const close of closers) await close().catch(() => {});
      if (connectionLimit !== undefined) await setUpstreamConnectionLimit(undefined);
      await closeUpstreamConnections();
    },
  };
}
