import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GatewayEventMap } from '../../../src/gateway/events.ts';
import { freshHealthRecord } from '../../../src/gateway/state/health-record.ts';
import {
  type HealthBackendListener,
  SharedHealthStore,
} from '../../../src/gateway/state/shared-health-store.ts';
import { createObservability } from '../../../src/gateway/status/observability.ts';
import { finished } from '../metrics/sample-events.ts';

// A backend that is never available: only pushed changes reach the store.
function offlineStore(): { store: SharedHealthStore; push: HealthBackendListener['changed'] } {
  let listener: HealthBackendListener | undefined;
  const unavailable = () => Promise.reject(new Error('offline'));
  const store = new SharedHealthStore(
    {
      available: false,
      record: unavailable,
      transition: unavailable,
      merge: unavailable,
      snapshot: unavailable,
      listen: (l) => {
        listener = l;
      },
      close: async () => {},
    },
    { resyncIntervalMs: 0 },
  );
  return { store, push: (key, entry) => listener?.changed(key, entry) };
}

describe('createObservability', () => {
  it('mounts /metrics and the status routes and shows breakers other processes moved', async () => {
    const { store, push } = offlineStore();
    const opened = freshHealthRecord();
    opened.record.state = 'open';
    opened.changedAt = 10;
    push('anthropic:claude', opened);
    const events = new EventEmitter<GatewayEventMap>();
    const observability = createObservability(events, {
      healthStore: store,
      metrics: { processMetrics: false },
    });
    expect(observability.routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /metrics',
      'GET /',
      'GET /status.json',
      'GET /status/events',
    ]);
    push('openai:gpt-4o', { ...opened, changedAt: 20 });
    events.emit('request-finished', finished());

    const text = await observability.metrics.registry.metrics();
    expect(text).toContain('understudy_breaker_state{key="anthropic:claude"} 2');
    expect(text).toContain('understudy_breaker_state{key="openai:gpt-4o"} 2');
    const snapshot = observability.status.collector.snapshot();
    expect(snapshot.breakers.map(({ key, state }) => [key, state])).toEqual([
      ['anthropic:claude', 'open'],
      ['openai:gpt-4o', 'open'],
    ]);
    expect(snapshot.models.map((row) => [row.name, row.breaker])).toEqual([['openai:gpt-4o', 'open']]);

    observability.close();
    push('google:gemini', { ...opened, changedAt: 30 });
    expect(events.listenerCount('breaker-changed')).toBe(0);
    expect(observability.status.collector.snapshot().breakers).toHaveLength(2);
  });
});
