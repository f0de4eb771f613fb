import { describe, expect, it } from 'vitest';
import { FaultSpecError, parseFaultSpec } from '../../src/chaos/fault-spec.ts';
import { FaultSelector } from '../../src/chaos/faults.ts';
import { parseScenario } from '../../src/chaos/scenario.ts';
import { seededRandom } from '../../src/fallback/group/seeded-random.ts';

describe('parseFaultSpec', () => {
  it('parses a status with retry options', () => {
    expect(parseFaultSpec('status:429;retry-after=2;retry-after-ms=1500')).toEqual({
      label: 'status:429;retry-after=2;retry-after-ms=1500',
      firstTokenMs: undefined,
      tokensPerSecond: undefined,
      fault: { kind: 'status', status: 429, variant: 'default', retryAfterSeconds: 2, retryAfterMs: 1500 },
    });
    expect(parseFaultSpec('status:400;context-length').fault).toMatchObject({ variant: 'context-length' });
  });

  it('combines pacing with one ending fault', () => {
    const plan = parseFaultSpec('slow-first-token:500+tokens-per-second:50+cut-after:3;clean');
    expect(plan.firstTokenMs).toBe(500);
    expect(plan.tokensPerSecond).toBe(50);
    expect(plan.fault).toEqual({ kind: 'cut-after', tokens: 3, clean: true });
  });

  it.each([
    ['reset', { kind: 'reset' }],
    ['hang', { kind: 'hang' }],
    ['stall-after:3', { kind: 'stall-after', tokens: 3 }],
    ['cut-after:3', { kind: 'cut-after', tokens: 3, clean: false }],
    ['error-frame:0', { kind: 'error-frame', tokens: 0 }],
    ['content-filter', { kind: 'content-filter', tokens: 0 }],
    ['malformed', { kind: 'malformed' }],
    ['empty', { kind: 'empty' }],
  ])('%s', (spec, fault) => {
    expect(parseFaultSpec(spec).fault).toEqual(fault);
  });

  it.each([
    ['explode', "unknown fault 'explode'"],
    ['status:200', 'status must be 400-599'],
    ['status:abc', "'status' needs a non-negative number"],
    ['cut-after:1.5', 'whole number'],
    ['reset+hang', 'two ending faults'],
    ['status:429;retry-in=3', "unknown option 'retry-in=3'"],
    ['hang:5', 'takes no'],
  ])('rejects %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('names the valid faults when the name is unknown', () => {
    expect(() => parseFaultSpec('boom')).toThrow(
      /valid faults: status:<400-599>.*tokens-per-second:<n>.*content-filter/,
    );
  });
});

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe('FaultSelector', () => {
  const sequence = (selector: FaultSelector, n: number) =>
    Array.from({ length: n }, () => selector.choose('m', undefined)?.label ?? 'ok');

  it('draws a mix deterministically from its seed, close to the weights', () => {
    const scenario = parseScenario({
      fault: {
        mix: [
          { fault: 'status:503', weight: 0.3 },
          { fault: 'reset', weight: 0.1 },
        ],
        seed: 42,
      },
    });
    const first = sequence(new FaultSelector(scenario), 1000);
    expect(sequence(new FaultSelector(scenario), 1000)).toEqual(first);
    const count = (label: string) => first.filter((value) => value === label).length;
    expect(count('status:503')).toBeGreaterThan(250);
    expect(count('status:503')).toBeLessThan(350);
    expect(count('reset')).toBeGreaterThan(70);
    expect(count('reset')).toBeLessThan(130);
    const reseeded = parseScenario({
      fault: {
        mix: [
          { fault: 'status:503', weight: 0.3 },
          { fault: 'reset', weight: 0.1 },
        ],
        seed: 7,
      },
    });
    const other = sequence(new FaultSelector(reseeded), 1000);
    expect(other).not.toEqual(first);
  });

  it('applies a scheduled outage only inside its window, on an injected clock', () => {
    let now = 1_000_000;
    const selector = new FaultSelector(
      parseScenario({
        schedule: [
          { from: 10, to: 40, fault: 'status:503' },
          { from: 5, to: 6, fault: 'reset', model: 'b' },
        ],
      }),
      { now: () => now },
    );
    expect(selector.choose('a', undefined)).toBeUndefined();
    now += 5_500;
    expect(selector.choose('a', undefined)).toBeUndefined();
    expect(selector.choose('b', undefined)?.label).toBe('reset');
    now = 1_000_000 + 10_000;
    expect(selector.choose('a', undefined)?.label).toBe('status:503');
    now = 1_000_000 + 39_999;
    expect(selector.choose('a', undefined)?.label).toBe('status:503');
    now = 1_000_000 + 40_000;
    expect(selector.choose('a', undefined)).toBeUndefined();
  });

  it('prefers the header, then an outage, then the model rule, then the server rule', () => {
    let now = 0;
    const selector = new FaultSelector(
      parseScenario({
        fault: 'status:500',
        models: { special: { fault: 'status:429' }, healthy: { fault: 'none' } },
        schedule: [{ from: 1, to: 2, fault: 'status:503' }],
      }),
      { now: () => now },
    );
    expect(selector.choose('any', undefined)?.label).toBe('status:500');
    expect(selector.choose('special', undefined)?.label).toBe('status:429');
    expect(selector.choose('healthy', undefined)).toBeUndefined();
    expect(selector.choose('special', 'reset')?.label).toBe('reset');
    expect(selector.choose('special', 'none')).toBeUndefined();
    now = 1_500;
    expect(selector.choose('special', undefined)?.label).toBe('status:503');
  });

  it('knows a server-wide refuse before any request is read', () => {
    expect(new FaultSelector(parseScenario({ fault: 'refuse' })).atConnection()?.label).toBe('refuse');
    expect(new FaultSelector(parseScenario({ fault: 'status:503' })).atConnection()).toBeUndefined();
    expect(
      new FaultSelector(parseScenario({ models: { m: { fault: 'refuse' } } })).atConnection(),
    ).toBeUndefined();
  });

  it('gives each model its latency and answer, falling back to the server', () => {
    const selector = new FaultSelector(
      parseScenario({
        latency: { firstTokenMs: 5 },
        models: { slow: { latency: { tokensPerSecond: 10 }, answer: 'filler:3' } },
      }),
    );
    expect(selector.behaviourOf('slow')).toEqual({
      answer: { kind: 'filler', tokens: 3 },
      firstTokenMs: 5,
      tokensPerSecond: 10,
    });
    expect(selector.behaviourOf('other')).toEqual({
      answer: { kind: 'echo' },
      firstTokenMs: 5,
      tokensPerSecond: undefined,
    });
  });
});
