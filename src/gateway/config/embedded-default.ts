/**
 * The config used when none is given. With no provider key in the environment it is a demo over chaos
 * upstreams started in this process (an OpenAI-protocol one that fails a third of its requests, and a
 * healthy Anthropic-protocol one behind it), so `understudy serve` shows a fallback with nothing set up.
 * With a key, no providers are configured and every `'provider:model'` id is served through
 * `inferModel` at the real base URL or its `<PREFIX>_BASE_URL` override.
 *
 * @example
 * const { config, demo, close } = await embeddedDefault(process.env);
 */
import { startChaosServer } from '../../chaos/index.ts';
import { envStem, PROVIDERS } from '../../registry/table.ts';
import type { GatewayConfig } from './schema.ts';

export interface EmbeddedDefault {
  config: GatewayConfig;
  /** True when serving the chaos demo. */
  demo: boolean;
  /** The line that opens the log, saying plainly which mode this is. */
  banner: string;
  close(): Promise<void>;
}

/** Names of the provider key variables set in `env`. */
export function providerKeysInEnv(env: Record<string, string | undefined>): string[] {
  const names = new Set<string>();
  for (const [prefix, record] of Object.entries(PROVIDERS)) {
    for (const name of [`${envStem(prefix)}_API_KEY`, ...record.keyEnv]) if (env[name]) names.add(name);
  }
  return [...names].sort();
}

/**
 * The line that says which mode the embedded default serves in, without starting anything: a cluster's
 * primary prints it first, before its workers start the upstreams.
 */
export function embeddedDefaultBanner(env: Record<string, string | undefined>): string {
  const keys = providerKeysInEnv(env);
  if (keys.length > 0)
    return `No config file: serving every 'provider:model' id with the keys found in the environment (${keys.join(', ')}).`;
  return "DEMO MODE: no config file and no provider keys, so answers come from local chaos upstreams (not real models). Ask for model 'demo': a flaky OpenAI-compatible upstream, falling back to an overloaded Anthropic one and a healthy Gemini one. Set OPENAI_API_KEY (or another provider's key) or pass --config for real models.";
}

export async function embeddedDefault(env: Record<string, string | undefined>): Promise<EmbeddedDefault> {
  const keys = providerKeysInEnv(env);
  if (keys.length > 0) {
    return {
      config: {},
      demo: false,
      banner: embeddedDefaultBanner(env),
      close: async () => {},
    };
  }
  // The same three upstreams as `understudy demo`: a flaky OpenAI, an Anthropic that is overloaded for
  // its first seconds, and a healthy Gemini, so the first requests show retries, fallbacks and breakers.
  const flaky = await startChaosServer({
    protocol: 'openai',
    scenario: {
      latency: { firstTokenMs: 20, tokensPerSecond: 400 },
      fault: {
        mix: [
          { fault: 'status:429;retry-after=0.2', weight: 0.15 },
          { fault: 'status:503', weight: 0.2 },
          { fault: 'error-frame:0', weight: 0.05 },
        ],
      },
    },
  });
  const overloaded = await startChaosServer({
    protocol: 'anthropic',
    scenario: { latency: { firstTokenMs: 40 }, schedule: [{ from: 0, to: 5, fault: 'status:529' }] },
  });
  const healthy = await startChaosServer({ protocol: 'gemini', scenario: { latency: { firstTokenMs: 60 } } });
  const config: GatewayConfig = {
    providers: {
      'chaos-openai': { type: 'openai', baseUrl: flaky.url },
      'chaos-anthropic': { type: 'anthropic', baseUrl: overloaded.url },
      'chaos-gemini': { type: 'google-gla', baseUrl: healthy.url },
    },
    routes: {
      demo: {
        models: ['chaos-openai:gpt-4o', 'chaos-anthropic:claude-sonnet-4-5', 'chaos-gemini:gemini-2.5-flash'],
        retries: 1,
        retryBaseDelayMs: 40,
        timeoutMs: 10_000,
        firstTokenTimeoutMs: 2_000,
        breaker: { failureThreshold: 3, cooldownMs: 3_000 },
      },
    },
  };
  return {
    config,
    demo: true,
    banner: embeddedDefaultBanner(env),
    close: async () => {
      await Promise.all([flaky.close(), overloaded.close(), healthy.close()]);
    },
  };
}
