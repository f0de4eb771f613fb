/**
 * AWS Signature Version 4 for Bedrock requests, by AWS's own signer (`@smithy/signature-v4`), with the
 * credentials from options or the standard AWS environment variables. Credentials are read at the first
 * request, so a model can be built (say, as a fallback) before they exist.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { UserError } from '../../core/errors/index.ts';

/** Static AWS credentials; `sessionToken` for temporary ones (STS, SSO, instance roles). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials, or a function returning fresh ones for each request (a refreshing role session). */
export type AwsCredentialSource = AwsCredentials | (() => AwsCredentials | Promise<AwsCredentials>);

/**
 * The credentials of one call: the given ones, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (/ AWS_SESSION_TOKEN). Missing ones are a UserError that names the variables.
 *
 * @example
 * const credentials = await resolveCredentials(undefined, process.env);
 */
export async function resolveCredentials(
  source: AwsCredentialSource | undefined,
  env: Record<string, string | undefined>,
): Promise<AwsCredentials> {
  if (source) return typeof source === 'function' ? source() : source;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new UserError(
      'No AWS credentials for Bedrock: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key, or pass `credentials`.',
    );
  }
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey };
  if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
  return credentials;
}

export interface SignInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  credentials: AwsCredentials;
  /** The signing time; now by default (tests pin it). */
  signingDate?: Date;
}

/**
 * The headers to send: the given ones plus `host`, `x-amz-date`, `x-amz-content-sha256`,
 * `x-amz-security-token` (with a session token) and `authorization`. The path is signed as sent
 * (`/model/us.amazon.nova-micro-v1%3A0/converse`), which SigV4 encodes once more, as AWS requires for
 * every service but S3.
 *
 * @example
 * const headers = await signRequest({ url, headers: { 'content-type': 'application/json' }, body, region: 'us-east-1', credentials });
 * // headers.authorization: 'AWS4-HMAC-SHA256 Credential=AKIA.../20250101/us-east-1/bedrock/aws4_request, SignedHeaders=..., Signature=...'
 */
export async function signRequest(input: SignInput): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const signer = new SignatureV4({
    service: 'bedrock',
    region: input.region,
    credentials: input.credentials,
    // The AWS SDK's own portable SHA-256 (no node:crypto), so signing works on every runtime.
    sha256: Sha256,
  });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...input.headers, host: url.host },
      body: input.body,
    },
    input.signingDate ? { signingDate: input.signingDate } : {},
  );
  return signed.headers;
}

/**
 * The AWS region of a Bedrock runtime URL (`https://bedrock-runtime.eu-west-3.amazonaws.com` → `eu-west-3`).
 *
 * @example
 * regionOfUrl('https://bedrock-runtime.us-west-2.amazonaws.com'); // 'us-west-2'
 */
export function regionOfUrl(url: string): string | undefined {
  return /bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}
