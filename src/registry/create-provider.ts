/**
 * Builds a Provider from a prefix of the table: base URL from options, `<PREFIX>_BASE_URL` (and the
 * provider's own variables) or the real service, read as the provider's official SDK reads it (see
 * resolve-base-url.ts); key from options or the environment. A missing key is reported at the first request, not
 * here, so a FallbackModel can be built before keys exist.
 *
 * @example
 * const groq = createProvider('groq');                       // GROQ_API_KEY, https://api.groq.com/openai/v1
 * const claude = createProvider('anthropic', { baseUrl: 'http://127.0.0.1:8787' }); // POST …:8787/v1/messages
 * const local = createProvider('openai', { baseUrl: 'http://127.0.0.1:9001/v1' }); // key: api-key-not-set
 */

import { UserError } from '../core/errors/index.ts';
import { didYouMean } from '../core/errors/suggest.ts';
import { processEnv, warn } from '../core/portable.ts';
import type { Provider } from '../transport/provider.ts';
import type { ProviderOptions } from './provider-options.ts';
import { resolveBaseUrl } from './resolve-base-url.ts';
import { ALIASES, type AuthScheme, envStem, PROVIDERS, type ProviderRecord, UNSUPPORTED } from './table.ts';

/** Sent when a base URL is given without a key: local servers accept anything, and a header must exist. */
export const PLACEHOLDER_API_KEY = 'api-key-not-set';

const warnedDeprecations = new Set<string>();

/** Every prefix `inferModel` accepts, for error messages and docs. */
export function knownPrefixes(): string[] {
  return [...Object.keys(PROVIDERS), ...Object.keys(ALIASES)].sort();
}

export function createProvider(prefix: string, options: ProviderOptions = {}): Provider {
  const name = ALIASES[prefix] ?? prefix;
  const unsupported = UNSUPPORTED[name];
  if (unsupported) throw new UserError(`Provider prefix '${prefix}' is not available: ${unsupported}.`);
  const record = PROVIDERS[name];
  if (!record) {
    throw new UserError(
      `Unknown provider prefix '${prefix}'${didYouMean(prefix, knownPrefixes()) || '.'} Known prefixes: ${knownPrefixes().join(', ')}.`,
    );
  }
  if (record.deprecatedFor && !warnedDeprecations.has(name)) {
    warnedDeprecations.add(name);
    warn(`The '${name}:' prefix is deprecated; use '${record.deprecatedFor}:' instead.`, {
      type: 'DeprecationWarning',
    });
  }
  const env = options.env ?? processEnv();
  const resolved = resolveBaseUrl(name, record, options, env);
  const baseUrl = resolved.apiRoot;
  const keyEnvNames = record.onlyKeyEnv ? record.keyEnv : [`${envStem(name)}_API_KEY`, ...record.keyEnv];

  // Read once found, as the official SDKs read their key when the client is made: `process.env` is a
  // native getter, ~1 µs a name, which every request paid. A key not set yet is looked for again.
  let envKey: { name: string; value: string } | undefined;
  const keyFromEnv = () => {
    envKey ??= firstSet(env, keyEnvNames);
    return envKey;
  };
  const resolveKey = async (): Promise<string> => {
    if (options.apiKey) return options.apiKey;
    if (options.accessToken) return options.accessToken();
    const fromEnv = keyFromEnv();
    if (fromEnv) return fromEnv.value;
    if (resolved.configured || record.keyOptional) return PLACEHOLDER_API_KEY;
    throw new UserError(
      `No API key for provider '${name}': set the ${keyEnvNames.join(' or ')} environment variable, or pass \`apiKey\`.`,
    );
  };

  const apiVersion = options.apiVersion ?? env.OPENAI_API_VERSION ?? '2024-10-21';
  return {
    name,
    protocol: record.protocol,
    baseUrl,
    timeouts: options.timeouts,
    url(path: string, modelName: string): string {
      if (name === 'azure' && !resolved.azureV1) {
        return `${baseUrl}/deployments/${encodeURIComponent(modelName)}${path}?api-version=${encodeURIComponent(apiVersion)}`;
      }
      return baseUrl + path;
    },
    async headers(): Promise<Record<string, string>> {
      // Bedrock without an API key signs each request with SigV4 (BedrockConverseModel): no header here.
      if (name === 'bedrock' && !options.apiKey && !keyFromEnv()) return {};
      const key = await resolveKey();
      return authHeaders(record, key);
    },
  };
}

function authHeaders(record: ProviderRecord, key: string): Record<string, string> {
  const scheme: AuthScheme = record.auth;
  const headers: Record<string, string> = {};
  if (scheme === 'bearer') headers.authorization = `Bearer ${key}`;
  else if (scheme === 'x-api-key') headers['x-api-key'] = key;
  else if (scheme === 'x-goog-api-key') headers['x-goog-api-key'] = key;
  else headers['api-key'] = key;
  if (record.protocol === 'anthropic') headers['anthropic-version'] = '2023-06-01';
  return headers;
}

function firstSet(
  env: Record<string, string | undefined>,
  names: string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}
