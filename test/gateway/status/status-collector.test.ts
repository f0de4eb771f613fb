import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GatewayEventMap } from '../../../src/gateway/events.ts';
import { RollingStats } from '../../../src/gateway/status/rolling-stats.ts';
import { StatusCollector } from '../../../src/gateway/status/status-collector.ts';
import { attempt, finished } from '../metrics/sample-events.ts';

describe('RollingStats', () => {
  it('keeps rates over the window and forgets older seconds', () => {
    const stats = new RollingStats('r', 10);
    for (let i = 1; i <= 100; i++)
      stats.add(1_000_000, { ok: i !== 1, latencyMs: i, fallbacks: i % 50 === 0 ? 1 : 0 });
    expect(stats.snapshot(1_000_500)).toEqual({
      name: 'r',
      requests: 100,
      requestsPerMinute: 600,
      successRate: 0.99,
      p50Ms: 50,
      p99Ms: 99,
      fallbacks: 2,
      cost: 0,
    });
    // Ten seconds later the window is empty; the lifetime count stays.
    expect(stats.snapshot(1_010_000)).toMatchObject({
      requests: 100,
      requestsPerMinute: 0,
      successRate: null,
      p50Ms: null,
    });
    // The same slot one lap later starts from zero.
    stats.add(1_010_000, { ok: true, latencyMs: 7 });
    expect(stats.snapshot(1_010_000)).toMatchObject({
      requests: 101,
      requestsPerMinute: 6,
      successRate: 1,
      p99Ms: 7,
    });
    expect(stats.perSecond(1_010_000)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('holds at most 512 latency samples, the newest', () => {
    const stats = new RollingStats('r', 60);
    // Kept: samples 1488..1999, of which 1488..1599 are slow (112) and the 400 newest fast.
    for (let i = 0; i < 2000; i++) stats.add(5_000_000, { ok: true, latencyMs: i < 1600 ? 1_000_000 : 1 });
    expect(stats.snapshot(5_000_000)).toMatchObject({ p50Ms: 1, p99Ms: 1_000_000 });
    for (let i = 0; i < 112; i++) stats.add(5_000_000, { ok: true, latencyMs: 1 });
    expect(stats.snapshot(5_000_000)).toMatchObject({ p50Ms: 1, p99Ms: 1 });
  });
});

describe('StatusCollector', () => {
  it('builds route, model and breaker rows from events', () => {
    const events = new EventEmitter<GatewayEventMap>();
    let now = 2_000_000;
    const collector = new StatusCollector(events, {
      clock: () => now,
      initialBreakers: [['google:gemini', 'open']],
    });
    events.emit(
      'request-finished',
      finished({
        attempts: [
          attempt('openai:gpt-4o', 'error', 'rate_limit', 40),
          attempt('anthropic:claude', 'ok', undefined, 200),
        ],
        servedModel: 'anthropic:claude',
        latencyMs: 250,
        cost: 0.01,
      }),
    );
    events.emit('request-finished', finished({ route: 'fast', latencyMs: 90, cost: 0.002 }));
    events.emit(
      'request-finished',
      finished({
        route: 'fast',
        status: 503,
        errorKind: 'overloaded',
        servedModel: undefined,
        latencyMs: 5,
        cost: undefined,
        attempts: [
          attempt('openai:gpt-4o', 'error', 'overloaded', 5),
          attempt('google:gemini', 'skipped', undefined, 0),
        ],
      }),
    );
    events.emit('breaker-changed', { key: 'openai:gpt-4o', from: 'closed', to: 'open' });
    now += 3000;
    const snapshot = collector.snapshot();
    expect(snapshot.uptimeSeconds).toBe(3);
    expect(snapshot.totals).toMatchObject({
      requests: 3,
      requestsPerMinute: 3,
      fallbacks: 2,
      p50Ms: 90,
      p99Ms: 250,
    });
    expect(snapshot.totals.successRate).toBeCloseTo(2 / 3);
    expect(snapshot.totals.cost).toBeCloseTo(0.012);
    expect(snapshot.routes).toEqual([
      {
        name: 'chat',
        requests: 1,
        requestsPerMinute: 1,
        successRate: 1,
        p50Ms: 250,
        p99Ms: 250,
        fallbacks: 1,
        cost: 0.01,
      },
      {
        name: 'fast',
        requests: 2,
        requestsPerMinute: 2,
        successRate: 0.5,
        p50Ms: 5,
        p99Ms: 90,
        fallbacks: 1,
        cost: 0.002,
      },
    ]);
    expect(snapshot.models).toEqual([
      {
        name: 'anthropic:claude',
        breakerKey: 'anthropic:claude',
        breaker: 'closed',
        requests: 1,
        requestsPerMinute: 1,
        successRate: 1,
        p50Ms: 200,
        p99Ms: 200,
        fallbacks: 0,
        cost: 0.01,
      },
      {
        name: 'openai:gpt-4o',
        breakerKey: 'openai:gpt-4o',
        breaker: 'open',
        requests: 3,
        requestsPerMinute: 3,
        successRate: 1 / 3,
        p50Ms: 40,
        p99Ms: 100,
        fallbacks: 2,
        cost: 0.002,
      },
    ]);
    expect(snapshot.breakers).toEqual([
      { key: 'google:gemini', state: 'open', since: 2_000_000 },
      { key: 'openai:gpt-4o', state: 'open', since: 2_000_000 },
    ]);
    expect(snapshot.perSecond.slice(-4)).toEqual([3, 0, 0, 0]);
    collector.close();
    expect(events.listenerCount('request-finished')).toBe(0);
  });

  it("reads a model row's breaker by the key its attempts carried, and a retry is no fallback", () => {
    const events = new EventEmitter<GatewayEventMap>();
    const collector = new StatusCollector(events);
    const key = 'openai:gpt-4o@https://api.openai.com/v1';
    // A retry that succeeded: the served attempt bears the name the answer gave, the same upstream.
    const failed = { ...attempt('openai:gpt-4o', 'error', 'server'), breakerKey: key };
    const served = { ...attempt('openai:gpt-4o-2024-08-06', 'ok'), breakerKey: key };
    events.emit(
      'request-finished',
      finished({ servedModel: 'openai:gpt-4o-2024-08-06', attempts: [failed, served] }),
    );
    events.emit('breaker-changed', { key, from: 'closed', to: 'open' });
    const snapshot = collector.snapshot();
    expect(snapshot.models.map((row) => [row.name, row.breakerKey, row.breaker, row.fallbacks])).toEqual([
      ['openai:gpt-4o', key, 'open', 0],
      ['openai:gpt-4o-2024-08-06', key, 'open', 0],
    ]);
    expect(snapshot.totals.fallbacks).toBe(0);
    expect(snapshot.breakers.map(({ key, state }) => [key, state])).toEqual([[key, 'open']]);
  });

  it('folds names past the row cap into other', () => {
    const events = new EventEmitter<GatewayEventMap>();
    const collector = new StatusCollector(events, { maxRows: 2 });
    for (const route of ['a', 'b', 'c', 'd']) events.emit('request-finished', finished({ route }));
    expect(collector.snapshot().routes.map((row) => [row.name, row.requests])).toEqual([
      ['a', 1],
      ['b', 1],
      ['other', 2],
    ]);
  });
});
