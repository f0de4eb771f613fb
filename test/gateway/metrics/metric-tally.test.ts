import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { CounterTally, HistogramTally } from '../../../src/gateway/metrics/metric-tally.ts';

describe('metric tallies', () => {
  test('a scrape sees every update held since the last one, zero additions included', async () => {
    const registry = new Registry();
    let flush = (): void => {};
    const counter = new Counter({
      name: 't_total',
      help: 'h',
      labelNames: ['route'] as const,
      registers: [registry],
      collect: () => flush(),
    });
    const histogram = new Histogram({
      name: 't_seconds',
      help: 'h',
      labelNames: ['route'] as const,
      buckets: [1, 10],
      registers: [registry],
      collect: () => flush(),
    });
    const counts = new CounterTally(counter);
    const times = new HistogramTally(histogram);
    flush = () => {
      counts.flush();
      times.flush();
    };
    counts.add('a', { route: 'a' });
    counts.add('a', { route: 'a' }, 2);
    counts.add('b', { route: 'b' }, 0);
    times.observe('a', { route: 'a' }, 0.5);
    times.observe('a', { route: 'a' }, 5);
    const text = await registry.metrics();
    expect(text).toContain('t_total{route="a"} 3');
    expect(text).toContain('t_total{route="b"} 0');
    expect(text).toContain('t_seconds_bucket{le="1",route="a"} 1');
    expect(text).toContain('t_seconds_count{route="a"} 2');
    // Flushed once: a second scrape adds nothing twice.
    counts.add('a', { route: 'a' });
    expect((await counter.get()).values.find((v) => v.labels.route === 'a')?.value).toBe(4);
    expect(await registry.metrics()).toContain('t_seconds_count{route="a"} 2');
  });
});
