/**
 * The one identity of a circuit breaker. The engine opens and skips breakers by this key, the HealthStore
 * (in memory, or Redis shared by a fleet) stores them under it, and every view — /health, /metrics, the
 * status page, response headers, logs — names them by it. A view that re-derived its own key (from a
 * `provider:model` id, say) would read a breaker nobody writes and call it closed.
 *
 * @example
 * breakerKeyOf(model); // 'openai:gpt-4o@https://api.openai.com/v1'
 */
import type { Model } from '../../core/model.ts';

/**
 * The key of an HTTP model's breaker: `provider:model@baseUrl`, so the same model name at two endpoints
 * has two breakers. Credentials written into the base URL (`https://user:secret@host/…`, `?key=…`) are
 * left out: the key is shown on /metrics, /health and the status page, and they do not make another
 * upstream.
 *
 * @example
 * upstreamBreakerKey('openai', 'gpt-4o', 'https://api.openai.com/v1'); // 'openai:gpt-4o@https://api.openai.com/v1'
 */
export function upstreamBreakerKey(providerName: string, modelName: string, baseUrl: string): string {
  return `${providerName}:${modelName}@${withoutCredentials(baseUrl)}`;
}

/**
 * The breaker key of any model, from what the model already tells: an HTTP model (or a wrapper, which
 * gives its wrapped model's provider) is keyed by its provider, name and base URL (and, for one of a
 * key pool's keys, `#` and the key's fingerprint); a model that calls no
 * upstream (FunctionModel, TestModel, an AI SDK model) by `system:modelName`.
 */
export function breakerKeyOf(model: Model): string {
  const provider = model.provider;
  if (!provider) return `${model.system}:${model.modelName}`;
  const key = upstreamBreakerKey(provider.name, model.modelName, provider.baseUrl);
  // One of a pool's keys: a key rate-limited or refused is not its deployment's other keys.
  return provider.keyFingerprint === undefined ? key : `${key}#${provider.keyFingerprint}`;
}

function withoutCredentials(baseUrl: string): string {
  const beforeQuery = baseUrl.split(/[?#]/)[0]!;
  // The usual base URL has neither: no parsing on the request path.
  if (beforeQuery === baseUrl && !baseUrl.includes('@')) return baseUrl;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    // Not a URL we can take apart (providers check their own): keep what comes before any query.
    return beforeQuery;
  }
  const bare = `${url.protocol}//${url.host}${url.pathname}`;
  // URL gives a bare origin the path `/`; keep the base URL's own (providers trim a trailing slash).
  return beforeQuery.endsWith('/') ? bare : bare.replace(/\/$/, '');
}
