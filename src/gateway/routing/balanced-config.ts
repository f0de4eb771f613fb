/**
 * The config's balanced steps made real: a provider's `apiKeys:` become one provider per key (each
 * naming its key by fingerprint), and a `groups:` entry becomes a ModelGroup over the registry's models.
 * The registry caches what these build, so a group and a key pool (and the keys it took out) are one per
 * config, shared by every route that names them, until the next reload.
 *
 * @example
 * const providers = keyPoolProviders('team', config.providers.team, process.env);
 * const group = buildGroup('gpt-4o', config.groups['gpt-4o'], registry);
 */
import type { Model } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import {
  type GroupDeployment,
  ModelGroup,
  type ModelGroupOptions,
} from '../../fallback/group/model-group.ts';
import { nominalPrice } from '../../fallback/group/nominal-price.ts';
import { seededRandom } from '../../fallback/group/seeded-random.ts';
import { createProvider } from '../../registry/create-provider.ts';
import { keyFingerprint } from '../../transport/key-fingerprint.ts';
import type { Provider } from '../../transport/provider.ts';
import type { GroupConfig, ProviderConfig } from '../config/schema.ts';
import { maskSecretValues } from '../errors/scrub.ts';

/** One provider per pooled key, each holding its key alone; an unset variable fails the (re)load. */
export function keyPoolProviders(
  name: string,
  provider: ProviderConfig,
  env: Record<string, string | undefined>,
): Provider[] {
  return (provider.apiKeys ?? []).map((envName) => {
    const key = env[envName];
    if (!key) throw new Error(`providers: '${name}' reads a pooled key from ${envName}, which is not set`);
    maskSecretValues([key]);
    const options: Parameters<typeof createProvider>[1] = { env, apiKey: key };
    if (provider.baseUrl !== undefined) options.baseUrl = provider.baseUrl;
    const inner = createProvider(provider.type ?? name, options);
    // Named as configured, as the registry names its single-key providers.
    return { ...inner, name, url: inner.url, headers: inner.headers, keyFingerprint: keyFingerprint(key) };
  });
}

/** What a group is built from: the registry's models and the price-table name of a configured provider. */
export interface GroupSources {
  model(id: string, settings: ModelSettings | undefined): Model;
  priceProviderOf(providerName: string): string;
}

export function buildGroup(name: string, config: GroupConfig, sources: GroupSources): ModelGroup {
  const options: ModelGroupOptions = { name, strategy: config.strategy ?? 'weighted' };
  if (config.latencyHalfLifeMs !== undefined) options.latencyHalfLifeMs = config.latencyHalfLifeMs;
  if (config.seed !== undefined) options.random = seededRandom(config.seed);
  return new ModelGroup(
    config.deployments.map((entry) => deployment(entry, sources)),
    options,
  );
}

/** A group's deployment: its model, named and weighted as configured, priced by its provider's type. */
function deployment(entry: GroupConfig['deployments'][number], sources: GroupSources): GroupDeployment {
  const options = typeof entry === 'string' ? { model: entry } : entry;
  const id = options.model;
  const model = sources.model(id, options.settings as ModelSettings | undefined);
  const colon = id.indexOf(':');
  const price =
    options.price ?? nominalPrice(sources.priceProviderOf(id.slice(0, colon)), id.slice(colon + 1));
  const built: GroupDeployment = { model, name: options.name ?? id };
  if (options.weight !== undefined) built.weight = options.weight;
  if (price !== undefined) built.price = price;
  return built;
}
