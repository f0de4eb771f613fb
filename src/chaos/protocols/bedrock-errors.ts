/**
 * Bedrock's errors, for the Bedrock emulator: a `{"message": ...}` body, named by the `x-amzn-errortype`
 * header with AWS's `:namespace` suffix, and a request id. Each status fault maps to the exception the
 * real service sends for it.
 */
import { randomUUID } from 'node:crypto';
import { gatewayHtml, type HttpReply, jsonReply, replyCache, type StatusFault } from './protocol.ts';

/** The Bedrock Runtime exceptions the emulator sends. */
export type BedrockErrorName =
  | 'ValidationException'
  | 'SerializationException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ModelTimeoutException'
  | 'ModelErrorException'
  | 'ThrottlingException'
  | 'ModelNotReadyException'
  | 'InternalServerException'
  | 'ServiceUnavailableException'
  | 'UnknownOperationException';

const NAMESPACE = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

/**
 * A Bedrock error reply. The request id is fixed per reply object (replies are cached); that is enough
 * for a client to read one.
 *
 * @example
 * bedrockErrorReply(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
 */
export function bedrockErrorReply(
  status: number,
  name: BedrockErrorName,
  message: string,
  extraHeaders: string[] = [],
): HttpReply {
  return jsonReply(status, { message }, [
    'x-amzn-errortype',
    `${name}${NAMESPACE}`,
    'x-amzn-requestid',
    randomUUID(),
    ...extraHeaders,
  ]);
}

const cached = replyCache();

function errorFor(fault: StatusFault, model: string): { name: BedrockErrorName; message: string } {
  const { status, variant } = fault;
  if (status === 400 && variant === 'context-length') {
    return { name: 'ValidationException', message: 'Input is too long for requested model.' };
  }
  if (status === 400 && variant === 'content-policy') {
    return { name: 'ValidationException', message: 'Output blocked by content filtering policy' };
  }
  switch (status) {
    case 400:
      return {
        name: 'ValidationException',
        message: 'Malformed input request, please reformat your input and try again.',
      };
    case 401:
      return {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      };
    case 403:
      return {
        name: 'AccessDeniedException',
        message: "You don't have access to the model with the specified model ID.",
      };
    case 404:
      return {
        name: 'ResourceNotFoundException',
        message: `Could not resolve the foundation model from the model identifier: ${model}`,
      };
    case 408:
      return {
        name: 'ModelTimeoutException',
        message: 'Model has timed out in processing the request. Try your request again.',
      };
    case 424:
      return { name: 'ModelErrorException', message: 'The model returned an error. Try your request again.' };
    case 429:
      return { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    case 503:
      return { name: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' };
    // Not a Bedrock status: the overloaded answer Bedrock has for a model still warming up.
    case 529:
      return {
        name: 'ModelNotReadyException',
        message:
          'Model is not ready to serve inference requests. The SDK will automatically retry the operation.',
      };
    default:
      return status >= 500
        ? {
            name: 'InternalServerException',
            message: 'The server encountered an internal error while processing the request.',
          }
        : { name: 'ValidationException', message: 'The provided request is invalid.' };
  }
}

/**
 * The reply for a status fault. Bedrock sends no Retry-After of its own; the fault's is passed on, since
 * a proxy in front of Bedrock may add one. 502/504 are a load balancer's HTML page.
 *
 * @example
 * bedrockStatusError({ kind: 'status', status: 503, variant: 'default', retryAfterSeconds: undefined, retryAfterMs: undefined }, 'm');
 */
export function bedrockStatusError(fault: StatusFault, model: string): HttpReply {
  const key = `${fault.status}|${fault.variant}|${fault.retryAfterSeconds}|${fault.retryAfterMs}|${model}`;
  return cached(key, () => {
    const extra: string[] = [];
    if (fault.retryAfterSeconds !== undefined) extra.push('retry-after', String(fault.retryAfterSeconds));
    if (fault.retryAfterMs !== undefined) extra.push('retry-after-ms', String(fault.retryAfterMs));
    if (fault.status === 502 || fault.status === 504) {
      return {
        kind: 'reply',
        status: fault.status,
        headers: ['content-type', 'text/html', ...extra],
        body: gatewayHtml(fault.status, 'awselb/2.0'),
      };
    }
    const { name, message } = errorFor(fault, model);
    return bedrockErrorReply(fault.status, name, message, extra);
  });
}
