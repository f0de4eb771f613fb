/**
 * Where a provider's requests go: the `baseUrl` option, else the first set base-URL variable, else the
 * real service, each read as that provider's official SDK reads it. Three providers build the URL from
 * more than the base: Vertex (project and location), Azure (the `/openai` path), Bedrock (the region).
 */
import { UserError } from '../core/errors/index.ts';
import { apiRoot, type ConfiguredUrl, checkedBaseUrl, endsInApiVersion } from './base-url.ts';
import type { ProviderOptions } from './provider-options.ts';
import { envStem, type ProviderRecord } from './table.ts';

type Env = Record<string, string | undefined>;

export interface ResolvedBaseUrl {
  /** The API root endpoint paths are appended to (`https://api.anthropic.com/v1`). */
  apiRoot: string;
  /** True when it came from the option or a variable: a missing key then sends the placeholder key. */
  configured: boolean;
  /** azure: the endpoint is Azure's v1 API (`…/openai/v1`), which takes no deployment path or api-version. */
  azureV1?: boolean;
}

/** The AWS SDKs ignore their endpoint variables when this is `true`; so does Understudy. */
const AWS_ENDPOINT_VARIABLES = new Set(['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ENDPOINT_URL']);

export function resolveBaseUrl(
  name: string,
  record: ProviderRecord,
  options: ProviderOptions,
  env: Env,
): ResolvedBaseUrl {
  const configured = configuredBaseUrl(name, record, options, env);
  if (name === 'google-vertex')
    return { apiRoot: vertexApiRoot(configured, options, env), configured: !!configured };
  if (name === 'azure') return azureApiRoot(configured);
  if (name === 'bedrock') {
    const root = configured ? checkedBaseUrl(configured) : bedrockBaseUrl(options, env);
    return { apiRoot: root, configured: !!configured };
  }
  if (configured) return { apiRoot: apiRoot(configured, record.sdkPath), configured: true };
  return { apiRoot: record.baseUrl! + (record.sdkPath ?? ''), configured: false };
}

/** The `baseUrl` option, else `<PREFIX>_BASE_URL`, else the provider's own variables in the table's order. */
function configuredBaseUrl(
  name: string,
  record: ProviderRecord,
  options: ProviderOptions,
  env: Env,
): ConfiguredUrl | undefined {
  if (options.baseUrl) return { value: options.baseUrl, from: 'the `baseUrl` option' };
  const ignoreAws = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  const names = [`${envStem(name)}_BASE_URL`, ...(record.baseUrlEnv ?? [])].filter(
    (variable) => !(ignoreAws && AWS_ENDPOINT_VARIABLES.has(variable)),
  );
  for (const variable of names) {
    const value = env[variable]?.trim();
    if (value) return { value, from: variable };
  }
  return undefined;
}

/**
 * Vertex, as `@google/genai` reads GOOGLE_VERTEX_BASE_URL: the host, to which the API version and (with a
 * project) `projects/{project}/locations/{location}` are added. A URL that already ends in
 * `/publishers/google` (the form Understudy took before) is used as it is.
 */
function vertexApiRoot(configured: ConfiguredUrl | undefined, options: ProviderOptions, env: Env): string {
  const project = options.project ?? env.GOOGLE_CLOUD_PROJECT;
  const location = options.location ?? env.GOOGLE_CLOUD_LOCATION ?? 'global';
  const resource = project
    ? `/projects/${project}/locations/${location}/publishers/google`
    : '/publishers/google';
  if (configured) {
    const url = checkedBaseUrl(configured);
    if (url.endsWith('/publishers/google')) return url;
    // Like @google/genai, a proxy without a project gets the publisher path alone.
    return (endsInApiVersion(url) ? url : `${url}/v1`) + resource;
  }
  if (!project) {
    throw new UserError('Vertex AI needs a project: set GOOGLE_CLOUD_PROJECT or pass `project`.');
  }
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  return `https://${host}/v1${resource}`;
}

/**
 * Azure, as the `openai` package's `AzureOpenAI` reads it: AZURE_OPENAI_ENDPOINT is the resource
 * (`https://acme.openai.azure.com`) and `/openai` is added; its `baseURL` form (ending in `/openai`) is
 * taken as is; and Azure's v1 API (`…/openai/v1`, used with the plain OpenAI client) is recognised.
 */
function azureApiRoot(configured: ConfiguredUrl | undefined): ResolvedBaseUrl {
  if (!configured) {
    throw new UserError(
      'Azure needs its endpoint: set AZURE_OPENAI_ENDPOINT (e.g. https://my-resource.openai.azure.com) or pass `baseUrl`.',
    );
  }
  const url = checkedBaseUrl(configured);
  if (url.endsWith('/openai/v1')) return { apiRoot: url, configured: true, azureV1: true };
  if (url.endsWith('/openai')) return { apiRoot: url, configured: true };
  return { apiRoot: `${url}/openai`, configured: true };
}

/** `https://bedrock-runtime.{region}.amazonaws.com`, the region from `location`, AWS_REGION or AWS_DEFAULT_REGION. */
function bedrockBaseUrl(options: ProviderOptions, env: Env): string {
  const region = options.location ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}
