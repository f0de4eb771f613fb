/**
 * Turns what a client asked for (`model` then `models`, each a route name, a `'provider:model'` id or an
 * id a route's `match:` pattern takes) into one FallbackModel, using the config's providers and routes;
 * `route` first lets the config's `routing:` rules choose by the request's traits. Models and chains are
 * built once per config and reused, so the hot path allocates nothing here after the first request of a
 * kind.
 *
 * @example
 * const registry = new ModelRegistry(config, { env: process.env, breaker });
 * const chain = registry.route(['claude-sonnet-4-5-20250929'], traits); // chain.reason: 'pattern claude-*'
 * const response = await chain.model.request(messages);
 */
import { HttpModel } from '../../adapters/http-model.ts';
import { UserError } from '../../core/errors/index.ts';
import type { Model } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { breakerKeyOf } from '../../fallback/breaker/breaker-key.ts';
import type { CircuitBreaker } from '../../fallback/breaker/circuit-breaker.ts';
import { FallbackModel, type FallbackModelOptions } from '../../fallback/fallback-model.ts';
import { isBalanced } from '../../fallback/group/balanced-step.ts';
import { KeyPool, type KeyRemoved } from '../../fallback/group/key-pool.ts';
import type { ModelGroup } from '../../fallback/group/model-group.ts';
import { createProvider, knownPrefixes } from '../../registry/create-provider.ts';
import { inferModel, modelForProvider } from '../../registry/infer-model.ts';
import type { Provider } from '../../transport/provider.ts';
import type { GatewayConfig, GroupConfig, RouteConfig } from '../config/schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { maskSecretValues } from '../errors/scrub.ts';
import { buildGroup, keyPoolProviders } from './balanced-config.ts';
import { RoutePatterns } from './route-patterns.ts';
import { type RequestTraits, RoutingRules } from './routing-rules.ts';

/** A resolved request chain: the model to call and how the request is labelled in events and limits. */
export interface Chain {
  /** The route name, or the first model id when the request named models directly. */
  label: string;
  /** Route names the request used (for per-key allowed routes). */
  routes: string[];
  model: Model;
  /** Every `provider:model` id in the chain, in order. */
  modelIds: string[];
  /** Each requested id as it was resolved — a route name or a model id — for per-key allowed routes. */
  targets: string[];
  /**
   * How the first id was chosen, for `x-understudy-route-reason`: `name` (a route's name), `model` (a
   * model id), `pattern claude-*` (a route's `match:`) or `rule 2 (thinking true)` (a `routing:` rule).
   */
  reason: string;
  /** Each model's wire protocol id (`HttpModel.wireProtocol`), in `modelIds` order; undefined for others. */
  wireProtocols: Array<string | undefined>;
  /**
   * Whether a client's request may go as it is to same-protocol models: not on a route that continues a
   * broken stream with the next model, since a continuation is a new conversation the gateway writes.
   */
  passThrough: boolean;
}

export interface ModelRegistryOptions {
  env: Record<string, string | undefined>;
  /** The gateway-wide breaker (its store is the HealthStore); routes with their own options get their own. */
  breaker: CircuitBreaker;
  /** A pooled key was refused (401/403) and taken out: reported by fingerprint, never the key. */
  onKeyRemoved?: (removed: KeyRemoved) => void;
}

// Without configured providers any model name is valid, so both caches are bounded.
const MAX_CACHED_CHAINS = 1000;
const MAX_CACHED_MODELS = 5000;

export class ModelRegistry {
  private readonly config: GatewayConfig;
  private readonly options: ModelRegistryOptions;
  private readonly providers = new Map<string, Provider>();
  /** Providers with a key pool: one provider per key, each naming its key by fingerprint. */
  private readonly keyedProviders = new Map<string, Provider[]>();
  private readonly groups = new Map<string, ModelGroup>();
  private readonly models = new Map<string, Model>();
  private readonly chains = new Map<string, Chain>();
  private readonly routeBreakers = new Map<string, CircuitBreaker>();
  private readonly patterns: RoutePatterns;
  private readonly rules: RoutingRules;
  /** Prefixes that make an id a `'provider:model'`, which no pattern redirects. */
  private readonly providerPrefixes: ReadonlySet<string>;

  constructor(config: GatewayConfig, options: ModelRegistryOptions) {
    this.config = config;
    this.options = options;
    this.patterns = new RoutePatterns(config.routes ?? {});
    this.rules = new RoutingRules(config.routing ?? []);
    this.providerPrefixes = new Set(config.providers ? Object.keys(config.providers) : knownPrefixes());
    for (const [name, provider] of Object.entries(config.providers ?? {})) {
      const providerOptions: Parameters<typeof createProvider>[1] = { env: options.env };
      if (provider.baseUrl !== undefined) providerOptions.baseUrl = provider.baseUrl;
      if (provider.apiKey !== undefined) {
        const key = options.env[provider.apiKey];
        if (key) providerOptions.apiKey = key;
        maskSecretValues([key]);
      }
      const inner = createProvider(provider.type ?? name, providerOptions);
      // Named as configured, so `backup:claude-…` in a route and in a response mean the same upstream.
      this.providers.set(name, { ...inner, name, url: inner.url, headers: inner.headers });
      if (provider.apiKeys) this.keyedProviders.set(name, keyPoolProviders(name, provider, options.env));
    }
  }

  /** The price-table provider of a configured provider name (its `type`), else the name itself. */
  priceProviderOf(providerName: string): string {
    return this.config.providers?.[providerName]?.type ?? providerName;
  }

  /** Balanced group names in the config, in order: requestable by name. */
  get groupNames(): string[] {
    return Object.keys(this.config.groups ?? {});
  }

  /** Route names in the config, in order. */
  get routeNames(): string[] {
    return Object.keys(this.config.routes ?? {});
  }

  /** Every model id the gateway knows of: those of the routes, then those requested since the start. */
  knownModelIds(): string[] {
    const ids = new Set(this.routeModelIds());
    for (const key of this.models.keys()) ids.add(key.split('\n')[0]!);
    return [...ids];
  }

  /** Every `provider:model` id the config's routes name (a group's: its deployments'). */
  routeModelIds(): string[] {
    const ids = new Set<string>();
    for (const route of Object.values(this.config.routes ?? {})) {
      for (const entry of route.models) for (const id of this.idsOf(entryId(entry))) ids.add(id);
    }
    return [...ids];
  }

  /** The model ids behind a route's entry: a group's deployments, else the id itself. */
  private idsOf(id: string): string[] {
    const group = this.groupConfig(id);
    return group ? group.deployments.map(entryId) : [id];
  }

  private groupConfig(id: string): GroupConfig | undefined {
    const groups = this.config.groups;
    return groups && Object.hasOwn(groups, id) ? groups[id] : undefined;
  }

  /**
   * Each model id the gateway knows (see `knownModelIds`) with the key of the breaker that judges it and
   * the routes that name it: how /health shows an operator which breaker, by the key /metrics and the
   * status page use, stands behind a route's model. An id the registry cannot build (a route naming a
   * provider the config lacks) is left out: its requests fail before any breaker is asked.
   */
  modelBreakers(): Array<{ modelId: string; breakerKey: string; routes: string[] }> {
    const routesOf = new Map<string, string[]>();
    for (const [route, { models }] of Object.entries(this.config.routes ?? {})) {
      for (const entry of models) {
        for (const id of this.idsOf(entryId(entry))) {
          const routes = routesOf.get(id) ?? [];
          if (!routes.includes(route)) routes.push(route);
          routesOf.set(id, routes);
        }
      }
    }
    const found: Array<{ modelId: string; breakerKey: string; routes: string[] }> = [];
    for (const modelId of this.knownModelIds()) {
      let model: Model;
      try {
        model = this.model(modelId, undefined);
      } catch (error) {
        if (error instanceof GatewayError) continue;
        throw error;
      }
      // A key pool has a breaker per key: each is listed under the model id.
      const leaves = isBalanced(model) ? model.plan.leaves : [model];
      for (const leaf of leaves) {
        found.push({ modelId, breakerKey: breakerKeyOf(leaf), routes: routesOf.get(modelId) ?? [] });
      }
    }
    return found;
  }

  /**
   * The chain for a request: the first `routing:` rule that holds for its traits replaces the `model`
   * it named (its `models` stay, as fallbacks), else the ids resolve by name. With no rules this is
   * `resolve`, and the traits are never read.
   */
  route(requested: string[], traits: RequestTraits): Chain {
    if (this.rules.size > 0) {
      const match = this.rules.pick(requested[0]!, traits);
      if (match) return { ...this.resolve([match.route, ...requested.slice(1)]), reason: match.reason };
    }
    return this.resolve(requested);
  }

  /** The chain for the ids a request named; throws a 404 GatewayError naming an unknown one. */
  resolve(requested: string[]): Chain {
    const key = requested.join('\n');
    const cached = this.chains.get(key);
    if (cached) return cached;
    const chain = this.build(requested);
    if (this.chains.size >= MAX_CACHED_CHAINS) this.chains.delete(this.chains.keys().next().value!);
    this.chains.set(key, chain);
    return chain;
  }

  private build(requested: string[]): Chain {
    const routes = this.config.routes ?? {};
    const models: Model[] = [];
    const modelIds: string[] = [];
    const routeNames: string[] = [];
    const targets: string[] = [];
    let reason: string | undefined;
    let routeOptions: RouteConfig | undefined;
    for (const requestedId of requested) {
      let id = requestedId;
      let chosenBy = 'model';
      if (Object.hasOwn(routes, id)) chosenBy = 'name';
      else if (this.patterns.size > 0 && !this.hasProviderPrefix(id)) {
        const match = this.patterns.routeFor(id);
        if (match) {
          id = match.route;
          chosenBy = `pattern ${match.pattern}`;
        }
      }
      reason ??= chosenBy;
      targets.push(id);
      const route = Object.hasOwn(routes, id) ? routes[id] : undefined;
      if (route) {
        routeNames.push(id);
        routeOptions ??= route;
        for (const entry of route.models) {
          const modelId = entryId(entry);
          const settings = typeof entry === 'string' ? undefined : entry.settings;
          models.push(this.step(modelId, settings as ModelSettings | undefined));
          modelIds.push(...this.idsOf(modelId));
        }
      } else {
        models.push(this.step(id, undefined));
        modelIds.push(...this.idsOf(id));
      }
    }
    const label = routeNames[0] ?? requested[0]!;
    return {
      wireProtocols: models.map((model) => (model instanceof HttpModel ? model.wireProtocol : undefined)),
      passThrough: routeOptions?.continueOnStreamFailure !== true,
      label,
      routes: routeNames,
      model: new FallbackModel(models[0]!, ...models.slice(1), this.chainOptions(label, routeOptions)),
      modelIds,
      targets,
      reason: reason ?? 'model',
    };
  }

  /** The id names a known provider before a colon: an explicit model, never a pattern's to redirect. */
  private hasProviderPrefix(id: string): boolean {
    const colon = id.indexOf(':');
    return colon > 0 && this.providerPrefixes.has(id.slice(0, colon));
  }

  private chainOptions(label: string, route: RouteConfig | undefined): FallbackModelOptions {
    const options: FallbackModelOptions = { breaker: this.options.breaker };
    if (!route) return options;
    if (route.fallbackOn) options.fallbackOn = route.fallbackOn;
    if (route.retries !== undefined || route.retryBaseDelayMs !== undefined) {
      options.retry = {};
      if (route.retries !== undefined) options.retry.maxRetries = route.retries;
      if (route.retryBaseDelayMs !== undefined) options.retry.baseDelayMs = route.retryBaseDelayMs;
    }
    if (route.timeoutMs !== undefined) options.timeoutMs = route.timeoutMs;
    if (route.firstTokenTimeoutMs !== undefined) options.firstTokenTimeoutMs = route.firstTokenTimeoutMs;
    if (route.idleTimeoutMs !== undefined) options.idleTimeoutMs = route.idleTimeoutMs;
    if (route.hedgeAfterMs !== undefined) options.hedgeAfterMs = route.hedgeAfterMs;
    if (route.continueOnStreamFailure !== undefined)
      options.continueOnStreamFailure = route.continueOnStreamFailure;
    if (route.settings) options.settings = route.settings as ModelSettings;
    if (route.breaker === false) options.breaker = false;
    else if (route.breaker) {
      let breaker = this.routeBreakers.get(label);
      if (!breaker) {
        breaker = this.options.breaker.withOptions(route.breaker);
        this.routeBreakers.set(label, breaker);
      }
      options.breaker = breaker;
    }
    return options;
  }

  /** A step of a chain: a configured group (built once), else a model. */
  private step(id: string, settings: ModelSettings | undefined): Model {
    const config = this.groupConfig(id);
    if (!config) return this.model(id, settings);
    if (settings) {
      throw new GatewayError(
        400,
        'invalid_request',
        `Route settings cannot apply to the group '${id}'; give them to its deployments under groups.`,
      );
    }
    let group = this.groups.get(id);
    if (!group) {
      group = buildGroup(id, config, {
        model: (modelId, settings) => this.model(modelId, settings),
        priceProviderOf: (name) => this.priceProviderOf(name),
      });
      this.groups.set(id, group);
    }
    return group;
  }

  private model(id: string, settings: ModelSettings | undefined): Model {
    const key = settings ? `${id}\n${JSON.stringify(settings)}` : id;
    let model = this.models.get(key);
    if (model) return model;
    model = this.create(id, settings);
    if (this.models.size >= MAX_CACHED_MODELS) this.models.delete(this.models.keys().next().value!);
    this.models.set(key, model);
    return model;
  }

  private create(id: string, settings: ModelSettings | undefined): Model {
    if (id.includes('://')) {
      throw new GatewayError(
        400,
        'invalid_request',
        `Model '${id}' looks like a URL; name a route or a 'provider:model'.`,
        { param: 'model' },
      );
    }
    const colon = id.indexOf(':');
    const prefix = colon === -1 ? '' : id.slice(0, colon);
    const name = colon === -1 ? '' : id.slice(colon + 1);
    if (this.config.providers) {
      // With providers configured, clients reach only those: no provider of the client's choosing.
      const provider = this.providers.get(prefix);
      if (!provider || name === '')
        throw unknownModel(id, this.routeNames, [...this.providers.keys()], this.patterns.describe());
      const keyed = this.keyedProviders.get(prefix);
      if (keyed) {
        const keys = keyed.map((one) => modelForProvider(name, one, settings));
        const onKeyRemoved = this.options.onKeyRemoved;
        return new KeyPool(keys, onKeyRemoved ? { onKeyRemoved } : {});
      }
      return modelForProvider(name, provider, settings);
    }
    try {
      return inferModel(id, settings ? { env: this.options.env, settings } : { env: this.options.env });
    } catch (error) {
      if (error instanceof UserError) {
        throw new GatewayError(404, 'model_not_found', error.message, { param: 'model' });
      }
      throw error;
    }
  }
}

/** The model id of a route's or group's entry, written as a string or as `{ model, ... }`. */
function entryId(entry: string | { model: string }): string {
  return typeof entry === 'string' ? entry : entry.model;
}

/** A 404 that says what is served, and how the config would serve this id (a route's `match:`). */
function unknownModel(id: string, routes: string[], providers: string[], patterns: string[]): GatewayError {
  const known: string[] = [];
  if (routes.length > 0) known.push(`routes: ${routes.join(', ')}`);
  if (providers.length > 0) known.push(`providers: ${providers.join(', ')}`);
  if (patterns.length > 0) known.push(`route patterns: ${patterns.join(', ')}`);
  let hint =
    known.length > 0 ? ` Known ${known.join('; ')}.` : " Use 'provider:model', e.g. 'openai:gpt-4o'.";
  if (routes.length > 0) hint += " To serve ids like it, add a pattern to a route's `match:` in the config.";
  return new GatewayError(
    404,
    'model_not_found',
    `The model '${id}' does not exist or is not served here.${hint}`,
    { param: 'model' },
  );
}
