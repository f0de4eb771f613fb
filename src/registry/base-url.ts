/**
 * Turns a configured base URL (a `baseUrl` option or a `*_BASE_URL` variable) into the API root the
 * adapters append endpoint paths to, reading the value the way the provider's official SDK reads it.
 * `ANTHROPIC_BASE_URL=http://127.0.0.1:8787` means what it means to `@anthropic-ai/sdk` and Claude Code:
 * requests go to `http://127.0.0.1:8787/v1/messages`.
 *
 * @example
 * apiRoot({ value: 'http://127.0.0.1:8787', from: 'ANTHROPIC_BASE_URL' }, '/v1'); // 'http://127.0.0.1:8787/v1'
 * apiRoot({ value: 'http://127.0.0.1:8787/v1', from: 'baseUrl' }, '/v1');         // unchanged, not doubled
 */
import { UserError } from '../core/errors/index.ts';

/** A base URL and where it came from (`baseUrl` or the variable's name), for error messages. */
export interface ConfiguredUrl {
  value: string;
  from: string;
}

/**
 * The last path segment is an API version: `v1`, `v1beta`, `v1beta1`, `v2alpha`. A configured URL that
 * already ends in one is the API root itself (the form Understudy read before it followed the SDKs, and
 * the form an OpenAI-compatible stand-in is given), so nothing is appended and nothing doubles.
 */
const VERSION_SEGMENT = /\/v\d+(?:alpha|beta)?\d*$/;

/** True when the URL's path ends in an API version segment (see VERSION_SEGMENT). */
export function endsInApiVersion(url: string): boolean {
  return VERSION_SEGMENT.test(new URL(url).pathname.replace(/\/+$/, ''));
}

/**
 * Checks that a configured base URL is an http(s) URL and drops trailing slashes. The error names where the
 * value came from, so a typo in an environment variable is found without reading code.
 */
export function checkedBaseUrl(configured: ConfiguredUrl): string {
  let parsed: URL;
  try {
    parsed = new URL(configured.value);
  } catch {
    throw new UserError(
      `${configured.from} is not a URL: '${configured.value}'. Give the full base URL with its scheme, e.g. 'https://api.example.com'.`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(
      `${configured.from} must be an http or https URL, not '${withoutSecrets(parsed)}'. Give the full base URL, e.g. 'https://api.example.com'.`,
    );
  }
  if (parsed.search || parsed.hash) {
    throw new UserError(
      `${configured.from} must not carry a query or fragment: '${withoutSecrets(parsed)}'. Give only the base URL (a key goes in the API key option or variable).`,
    );
  }
  return configured.value.replace(/\/+$/, '');
}

/** The URL as an error may show it: a password or query can hold a key, and errors reach logs. */
function withoutSecrets(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  if (shown.search) shown.search = '?...';
  return shown.href;
}

/**
 * The API root for a configured base URL. `sdkPath` is the path the official SDK appends to its base URL
 * (`/v1` for Anthropic, `/openai/v1` for Groq, `/v1beta` for Gemini); it is added unless the URL already
 * ends in an API version. Without `sdkPath` (the OpenAI convention: the variable includes `/v1`) the URL
 * is taken as given.
 */
export function apiRoot(configured: ConfiguredUrl, sdkPath: string | undefined): string {
  const url = checkedBaseUrl(configured);
  if (sdkPath === undefined || endsInApiVersion(url)) return url;
  return url + sdkPath;
}
