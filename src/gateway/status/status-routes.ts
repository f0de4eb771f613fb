/**
 * The status page's routes, for the gateway to mount next to its API: `GET /` (the page),
 * `GET /status.json` (one snapshot) and `GET /status/events` (a snapshot each second over SSE). One timer
 * serves every open page, and only while at least one is open.
 */
import type { EventEmitter } from 'node:events';
import type { GatewayEventMap } from '../events.ts';
import type { ExtraRoute, GatewayResponse } from '../server/http-types.ts';
import { StatusCollector, type StatusCollectorOptions } from './status-collector.ts';
import { statusPageHtml } from './status-page.ts';

/** Options of `createStatusPage`. */
export interface StatusPageOptions extends StatusCollectorOptions {
  /** How often open pages get a new snapshot (ms). Default 1000. */
  intervalMs?: number;
  /** Heading and title of the page. */
  title?: string;
}

/** The collector, the three routes to mount, and `close()` (ends open pages and stops listening). */
export interface StatusPage {
  collector: StatusCollector;
  routes: ExtraRoute[];
  close(): void;
}

const NO_STORE = 'no-store';

/**
 * Builds the live status page over the gateway's events.
 *
 * @example
 * const status = createStatusPage(gateway.events, { initialBreakers: healthStore.entries().map(([k, r]) => [k, r.state]) });
 * await startGateway({ config, extraRoutes: [...status.routes, metrics.route] });
 */
export function createStatusPage(
  events: EventEmitter<GatewayEventMap>,
  options: StatusPageOptions = {},
): StatusPage {
  const collector = new StatusCollector(events, options);
  const html = statusPageHtml(options.title);
  const intervalMs = options.intervalMs ?? 1000;
  const streams = new Set<GatewayResponse>();
  let timer: NodeJS.Timeout | undefined;

  const frame = () => `data: ${JSON.stringify(collector.snapshot())}\n\n`;
  const broadcast = () => {
    if (streams.size === 0) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const data = frame();
    for (const res of streams) {
      if (res.writableEnded) streams.delete(res);
      else res.write(data);
    }
  };

  const page: ExtraRoute = {
    method: 'GET',
    path: '/',
    handle(_req, res) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': NO_STORE,
        // The page needs nothing from elsewhere; say so, so a browser refuses anything else.
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:",
        'x-content-type-options': 'nosniff',
      });
      res.end(html);
    },
  };
  const json: ExtraRoute = {
    method: 'GET',
    path: '/status.json',
    handle(_req, res) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': NO_STORE });
      res.end(JSON.stringify(collector.snapshot()));
    },
  };
  const sse: ExtraRoute = {
    method: 'GET',
    path: '/status/events',
    handle(_req, res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': NO_STORE,
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n${frame()}`);
      streams.add(res);
      res.on('close', () => streams.delete(res));
      if (!timer) {
        timer = setInterval(broadcast, intervalMs);
        timer.unref();
      }
    },
  };

  return {
    collector,
    routes: [page, json, sse],
    close() {
      clearInterval(timer);
      timer = undefined;
      for (const res of streams) res.end();
      streams.clear();
      collector.close();
    },
  };
}
