/**
 * The headers that tell a client how its answer was reached — which route, chosen how, and each
 * attempt — sent with a whole answer and at the start of a stream alike.
 */
import type { Attempt } from '../../core/messages.ts';
import { safeHeaderValue } from '../errors/scrub.ts';
import { attemptModelId, modelsLeftBehind } from '../metrics/attempt-facts.ts';
import type { Chain } from './model-registry.ts';

/**
 * `x-understudy-route` (the route chosen, or the model id a request named directly) and
 * `x-understudy-route-reason` (how: `name`, `model`, `pattern claude-*`, `rule 2 (thinking true)`), then
 * `x-understudy-model` (who served), `x-understudy-attempts` (how many tries), `x-understudy-fallbacks`
 * (how many models were left behind), `x-understudy-trace` (each attempt: `model=outcome`, with
 * `@deployment` when a group's deployment has its own name and `#key-…` when it used a pooled key) and,
 * when the request skipped models, `x-understudy-breakers-open`: the keys of their open breakers, as
 * /health and /metrics name them. When the serving attempt came from a group or a key pool,
 * `x-understudy-deployment` names its deployment and `x-understudy-key` the fingerprint of its key.
 */
export function attemptHeaders(
  base: Readonly<Record<string, string>>,
  chain: Pick<Chain, 'label' | 'reason'>,
  modelId: string,
  attempts: Attempt[],
): Record<string, string> {
  const headers = { ...base };
  headers['x-understudy-route'] = safeHeaderValue(chain.label);
  headers['x-understudy-route-reason'] = safeHeaderValue(chain.reason);
  headers['x-understudy-model'] = safeHeaderValue(modelId);
  headers['x-understudy-attempts'] = String(Math.max(1, attempts.length));
  headers['x-understudy-fallbacks'] = String(modelsLeftBehind(attempts));
  let trace = '';
  const open = new Set<string>();
  for (const attempt of attempts) {
    trace += `${trace === '' ? '' : ', '}${attemptLabel(attempt)}=${attempt.outcome === 'ok' ? 'ok' : (attempt.errorKind ?? attempt.outcome)}${attempt.statusCode ? `/${attempt.statusCode}` : ''}`;
    if (attempt.outcome === 'skipped' && attempt.breakerKey !== undefined) open.add(attempt.breakerKey);
  }
  const served = attempts.at(-1);
  if (served?.outcome === 'ok') {
    if (served.deployment !== undefined)
      headers['x-understudy-deployment'] = safeHeaderValue(served.deployment);
    if (served.keyFingerprint !== undefined) headers['x-understudy-key'] = served.keyFingerprint;
  }
  if (trace !== '') headers['x-understudy-trace'] = safeHeaderValue(trace.slice(0, 1000));
  if (open.size > 0)
    headers['x-understudy-breakers-open'] = safeHeaderValue([...open].join(', ').slice(0, 1000));
  return headers;
}

/** An attempt in the trace: its model, and the deployment and key it went through when it had them. */
function attemptLabel(attempt: Attempt): string {
  const id = attemptModelId(attempt);
  let label = id;
  if (attempt.deployment !== undefined && attempt.deployment !== id) label += `@${attempt.deployment}`;
  if (attempt.keyFingerprint !== undefined) label += `#${attempt.keyFingerprint}`;
  return label;
}
