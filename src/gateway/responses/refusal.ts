/**
 * The 400 for a Responses field the gateway cannot serve: the field, what is wrong with it, and what to
 * send instead — shared by the request reader and the input-item reader.
 *
 * @example
 * refused('background', 'background responses are stored and polled on OpenAI', 'stream instead')
 * // GatewayError 400: "background: background responses are stored and polled on OpenAI; stream instead."
 */
import { GatewayError } from '../errors/gateway-error.ts';

export function refused(param: string, why: string, fix: string): GatewayError {
  return new GatewayError(400, 'invalid_request', `${param}: ${why}; ${fix}.`, { param });
}
