import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GatewayEventMap } from '../../../src/gateway/events.ts';
import { countFallbacks, modelsLeftBehind } from '../../../src/gateway/metrics/attempt-facts.ts';
import { BoundedLabel } from '../../../src/gateway/metrics/bounded-label.ts';
import { createGatewayMetrics } from '../../../src/gateway/metrics/gateway-metrics.ts';
import { inject } from '../../../src/gateway/server/inject.ts';
import { attempt, finished } from './sample-events.ts';

function lines(text: string, metric: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(metric));
}

describe('createGatewayMetrics', () => {
  it('turns request and breaker events into Prometheus series', async () => {
    const events = new EventEmitter<GatewayEventMap>();
    const metrics = createGatewayMetrics(events, { processMetrics: false });
    events.emit('request-finished', finished());
    events.emit(
      'request-finished',
      finished({
        api: 'anthropic',
        stream: true,
        servedModel: 'anthropic:claude-sonnet-4-5',
        attempts: [
          attempt('openai:gpt-4o', 'error', 'rate_limit'),
          attempt('openai:gpt-4o', 'error', 'rate_limit'),
          attempt('anthropic:claude-sonnet-4-5', 'ok'),
        ],
        latencyMs: 800,
        timeToFirstTokenMs: 300,
        usage: { inputTokens: 20, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
        cost: 0.5,
      }),
    );
    events.emit(
      'request-finished',
      finished({
        status: 502,
        servedModel: undefined,
        attempts: [attempt('openai:gpt-4o', 'error', 'server')],
        errorKind: 'server',
        usage: undefined,
        cost: undefined,
      }),
    );
    events.emit('breaker-changed', { key: 'openai:gpt-4o', from: 'closed', to: 'open' });

    const response = await inject(async (req, res) => metrics.route.handle(req, res), { url: '/metrics' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    expect(lines(text, 'understudy_requests_total')).toEqual([
      'understudy_requests_total{route="chat",api="openai",status="200"} 1',
      'understudy_requests_total{route="chat",api="anthropic",status="200"} 1',
      'understudy_requests_total{route="chat",api="openai",status="502"} 1',
    ]);
    expect(lines(text, 'understudy_attempts_total')).toEqual([
      'understudy_attempts_total{model="openai:gpt-4o",outcome="ok",error_kind="none"} 1',
      'understudy_attempts_total{model="openai:gpt-4o",outcome="error",error_kind="rate_limit"} 2',
      'understudy_attempts_total{model="anthropic:claude-sonnet-4-5",outcome="ok",error_kind="none"} 1',
      'understudy_attempts_total{model="openai:gpt-4o",outcome="error",error_kind="server"} 1',
    ]);
    expect(lines(text, 'understudy_fallbacks_total')).toEqual(['understudy_fallbacks_total{route="chat"} 1']);
    expect(lines(text, 'understudy_request_failures_total')).toEqual([
      'understudy_request_failures_total{route="chat",error_kind="server"} 1',
    ]);
    expect(lines(text, 'understudy_breaker_state')).toEqual([
      'understudy_breaker_state{key="openai:gpt-4o"} 2',
    ]);
    expect(lines(text, 'understudy_tokens_total')).toEqual([
      'understudy_tokens_total{model="openai:gpt-4o",direction="input"} 10',
      'understudy_tokens_total{model="openai:gpt-4o",direction="output"} 5',
      'understudy_tokens_total{model="anthropic:claude-sonnet-4-5",direction="input"} 20',
      'understudy_tokens_total{model="anthropic:claude-sonnet-4-5",direction="output"} 7',
    ]);
    expect(lines(text, 'understudy_cost_usd_total')).toEqual([
      'understudy_cost_usd_total{model="openai:gpt-4o"} 0.0025',
      'understudy_cost_usd_total{model="anthropic:claude-sonnet-4-5"} 0.5',
    ]);
    // Only the stream has a time to first token.
    expect(lines(text, 'understudy_time_to_first_token_seconds_count')).toEqual([
      'understudy_time_to_first_token_seconds_count{route="chat",api="anthropic"} 1',
    ]);
    expect(text).toContain(
      'understudy_time_to_first_token_seconds_bucket{le="0.25",route="chat",api="anthropic"} 0',
    );
    expect(text).toContain(
      'understudy_time_to_first_token_seconds_bucket{le="0.5",route="chat",api="anthropic"} 1',
    );
    expect(text).toContain('understudy_time_to_first_token_seconds_sum{route="chat",api="anthropic"} 0.3');
    expect(text).toContain(
      'understudy_request_duration_seconds_count{route="chat",api="openai",stream="false"} 2',
    );
    expect(text).toContain(
      'understudy_request_duration_seconds_sum{route="chat",api="anthropic",stream="true"} 0.8',
    );
    metrics.close();
    expect(events.listenerCount('request-finished')).toBe(0);
  });

  it('caps the model ids it keeps as labels', async () => {
    const events = new EventEmitter<GatewayEventMap>();
    const metrics = createGatewayMetrics(events, { processMetrics: false, maxModels: 2 });
    for (const model of ['a:1', 'b:2', 'c:3', 'd:4']) {
      events.emit('request-finished', finished({ servedModel: model, attempts: [attempt(model, 'ok')] }));
    }
    const text = await metrics.registry.metrics();
    expect(lines(text, 'understudy_cost_usd_total')).toEqual([
      'understudy_cost_usd_total{model="a:1"} 0.0025',
      'understudy_cost_usd_total{model="b:2"} 0.0025',
      'understudy_cost_usd_total{model="other"} 0.005',
    ]);
  });

  it('exports process metrics unless told not to', async () => {
    const metrics = createGatewayMetrics(new EventEmitter<GatewayEventMap>());
    expect(await metrics.registry.metrics()).toContain('understudy_process_resident_memory_bytes');
  });
});

describe('countFallbacks and BoundedLabel', () => {
  it('counts moves to another model, not retries of the same one', () => {
    expect(countFallbacks([])).toBe(0);
    expect(
      countFallbacks([
        attempt('a:x', 'error', 'server'),
        attempt('a:x', 'error', 'server'),
        attempt('b:y', 'skipped'),
        attempt('c:z', 'ok'),
      ]),
    ).toBe(2);
  });

  it('tells upstreams apart by breaker key, not by the name an answer gave', () => {
    const key = 'openai:gpt-4o@https://api.openai.com/v1';
    const retried = [
      { ...attempt('openai:gpt-4o', 'error', 'server'), breakerKey: key },
      { ...attempt('openai:gpt-4o-2024-08-06', 'ok'), breakerKey: key },
    ];
    expect(countFallbacks(retried)).toBe(0);
    expect(modelsLeftBehind(retried)).toBe(0);
    // Same model name at two endpoints: two upstreams.
    const moved = [
      { ...attempt('a:m', 'error', 'server'), breakerKey: 'a:m@http://one/v1' },
      { ...attempt('a:m', 'ok'), breakerKey: 'a:m@http://two/v1' },
    ];
    expect(countFallbacks(moved)).toBe(1);
    expect(modelsLeftBehind([...moved, ...moved])).toBe(1);
  });

  it('keeps a long breaker key whole, so it matches the key /health shows', async () => {
    const events = new EventEmitter<GatewayEventMap>();
    const metrics = createGatewayMetrics(events, { processMetrics: false });
    const key = `azure:gpt-4o@https://${'a'.repeat(150)}.openai.azure.com/openai`;
    events.emit('breaker-changed', { key, from: 'closed', to: 'open' });
    expect(lines(await metrics.registry.metrics(), 'understudy_breaker_state')).toEqual([
      `understudy_breaker_state{key="${key}"} 2`,
    ]);
  });

  it('passes the first values, trims long ones and folds the rest into other', () => {
    const label = new BoundedLabel(2, 5);
    expect([label.of('abcdefgh'), label.of('b'), label.of('c'), label.of('abcde'), label.of('b')]).toEqual([
      'abcde',
      'b',
      'other',
      'abcde',
      'b',
    ]);
  });
});
