/**
 * The upstream HTTP client every adapter uses, through one seam: `#transport` (the `imports` of
 * src/package.json, and of its built twin dist/package.json) resolves by export condition to the undici
 * transport on Node and to the fetch transport on Bun, Deno, Workers and browsers. Both keep the contract
 * in `upstream.ts`: the same deadlines, abort down to the connection, streamed bodies, and failures mapped
 * to the same typed errors, once, so adapters only map what the provider said.
 */
export {
  closeUpstreamConnections,
  postJson,
  postJsonForText,
  readBodyText,
  setUpstreamConnectionLimit,
} from '#transport';
export {
  type HttpTimeouts,
  transportError,
  type UpstreamBody,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamText,
} from './upstream.ts';
