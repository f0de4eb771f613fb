import type { HttpTimeouts } from '../transport/client.ts';

/** What `createProvider` and `inferModel` take to build a provider: overrides of the environment. */
export interface ProviderOptions {
  /**
   * Overrides the environment and the real service's URL. It takes the form the provider's official SDK
   * takes (`http://127.0.0.1:8787` for Anthropic, `http://127.0.0.1:9001/v1` for OpenAI); a URL ending in
   * an API version (`…/v1`) is also taken as the API root itself, never doubled.
   */
  baseUrl?: string;
  /** Overrides the environment. */
  apiKey?: string;
  /** Where keys and URLs are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  timeouts?: HttpTimeouts;
  /** google-vertex: the Google Cloud project (else GOOGLE_CLOUD_PROJECT). */
  project?: string;
  /**
   * google-vertex: the region, e.g. `us-central1` or `global` (else GOOGLE_CLOUD_LOCATION, else `global`).
   * bedrock: the AWS region (else AWS_REGION, AWS_DEFAULT_REGION, else `us-east-1`).
   */
  location?: string;
  /** Returns a fresh bearer token for each request (google-vertex: else GOOGLE_VERTEX_ACCESS_TOKEN). */
  accessToken?: () => string | Promise<string>;
  /** azure: the API version (else OPENAI_API_VERSION). */
  apiVersion?: string;
}
