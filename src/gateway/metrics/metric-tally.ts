/**
 * Metric updates held between scrapes, so the request path does not pay prom-client's per-call label
 * validation and hashing on every request: a request adds to a plain entry found by a string key the
 * caller builds from its label values, and `flush()` hands the totals to prom-client — on every scrape
 * (the metrics' `collect` hook, which `registry.metrics()` and `metric.get()` run first) and once a
 * second, which bounds what a histogram holds. What /metrics shows is the same as updating at once.
 *
 * @example
 * const requests = new CounterTally(counter);
 * requests.add(`${route}\u0000${status}`, { route, status });
 * requests.flush(); // counter.inc({ route, status }, n) once for the n requests since the last flush
 */
import type { Counter, Histogram } from 'prom-client';

interface CounterEntry<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  value: number;
  touched: boolean;
}

/** Increments of one counter, summed per label set until flushed. */
export class CounterTally<L extends string> {
  private readonly counter: Counter<L>;
  private readonly entries = new Map<string, CounterEntry<L>>();
  private touched: CounterEntry<L>[] = [];

  constructor(counter: Counter<L>) {
    this.counter = counter;
  }

  /** Adds `value` to the series `labels`; `key` identifies them (their values joined). */
  add(key: string, labels: Partial<Record<L, string>>, value = 1): void {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { labels, value: 0, touched: false };
      this.entries.set(key, entry);
    }
    entry.value += value;
    if (!entry.touched) {
      entry.touched = true;
      this.touched.push(entry);
    }
  }

  flush(): void {
    if (this.touched.length === 0) return;
    const touched = this.touched;
    this.touched = [];
    for (const entry of touched) {
      // A series added to with 0 (no output tokens) still appears, as a direct `inc(labels, 0)` made it.
      this.counter.inc(entry.labels, entry.value);
      entry.value = 0;
      entry.touched = false;
    }
  }
}

interface HistogramEntry<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  readonly values: number[];
}

/** Observations of one histogram, kept per label set until flushed. */
export class HistogramTally<L extends string> {
  private readonly histogram: Histogram<L>;
  private readonly entries = new Map<string, HistogramEntry<L>>();
  private held = 0;

  constructor(histogram: Histogram<L>) {
    this.histogram = histogram;
  }

  observe(key: string, labels: Partial<Record<L, string>>, value: number): void {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { labels, values: [] };
      this.entries.set(key, entry);
    }
    entry.values.push(value);
    this.held++;
  }

  flush(): void {
    if (this.held === 0) return;
    this.held = 0;
    for (const entry of this.entries.values()) {
      for (const value of entry.values) this.histogram.observe(entry.labels, value);
      entry.values.length = 0;
    }
  }
}
