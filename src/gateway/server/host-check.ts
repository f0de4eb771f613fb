/**
 * The DNS-rebinding guard. A page on `attacker.example` whose name is made to resolve to 127.0.0.1 can
 * call a gateway on the user's machine as its own origin — no CORS involved — and read the answers,
 * spending the gateway's upstream keys. The one thing that gives such a request away is its `Host`
 * header, which still names the attacker's domain. So a gateway listening on a loopback address serves
 * only loopback host names (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`, any port) and the names
 * its config adds in `server.allowedHosts`; every other Host gets a 403.
 *
 * @example
 * const allows = createHostCheck({ boundTo: '127.0.0.1', allowedHosts: ['.example.test'] });
 * allows?.('localhost:8787') // true
 * allows?.('api.example.test') // true
 * allows?.('attacker.example:8787') // false
 */
import { isIP } from 'node:net';
import { GatewayError } from '../errors/gateway-error.ts';

/** True when the request's `Host` header may be served. */
export type HostCheck = (host: string | undefined) => boolean;

export interface HostCheckOptions {
  /** The address the gateway listens on (`server.address().address`). */
  boundTo: string;
  /** `server.allowedHosts` from the config: lower-case names, `.domain` for subdomains, or `'*'`. */
  allowedHosts: '*' | readonly string[] | undefined;
}

/**
 * The check for a gateway listening on `boundTo`, or undefined when there is nothing to check: on any
 * address other than loopback the gateway was put on a network on purpose, where it is reached by names
 * it cannot know (its DNS names, a load balancer's, a proxy's), so a list would only break deployments;
 * what guards such a gateway is its client keys, which a rebinding page does not have. And `'*'` is the
 * operator turning the check off.
 */
export function createHostCheck(options: HostCheckOptions): HostCheck | undefined {
  if (!isLoopbackAddress(options.boundTo) || options.allowedHosts === '*') return undefined;
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of options.allowedHosts ?? []) {
    if (entry.startsWith('.')) {
      suffixes.push(entry);
      exact.add(entry.slice(1));
    } else exact.add(entry);
  }
  return function allowsHost(host) {
    if (host === undefined) return false;
    const name = hostName(host);
    if (name === undefined) return false;
    if (isLoopbackName(name) || exact.has(name)) return true;
    for (const suffix of suffixes) if (name.endsWith(suffix)) return true;
    return false;
  };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const kind = isIP(bare);
  if (kind === 4) return bare.startsWith('127.');
  if (kind === 6) {
    const lower = bare.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 && lower.startsWith('::ffff:127.');
  }
  return false;
}

/** The 403 for a Host the check refused, saying which config key would allow it. */
export function hostNotAllowed(host: string | undefined): GatewayError {
  const named =
    host === undefined
      ? 'The request has no Host header'
      : `The Host '${host.length > 100 ? `${host.slice(0, 100)}...` : host}' is not served here`;
  return new GatewayError(
    403,
    'host_not_allowed',
    `${named}: this gateway listens on a loopback address and answers only to localhost, *.localhost, ` +
      '127.0.0.0/8 and [::1] (a guard against DNS rebinding). To serve another host name, add it to ' +
      'server.allowedHosts in the gateway config.',
  );
}

// Canonical dotted-quad 127.x.y.z (a browser sends an IP host in this form whatever the page wrote).
const LOOPBACK_IPV4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LOCALHOST = /^([a-z0-9_-]+\.)*localhost$/;

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]') return true;
  if (name.endsWith('localhost')) return LOCALHOST.test(name);
  const quad = LOOPBACK_IPV4.exec(name);
  return quad?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

const PORT = /^:\d{1,5}$/;

/** `Host` without its port, lower-cased; undefined when it is not `name`, `name:port` or `[v6]:port`. */
function hostName(host: string): string | undefined {
  let name: string;
  let rest: string;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    name = host.slice(0, end + 1);
    rest = host.slice(end + 1);
  } else {
    const colon = host.indexOf(':');
    name = colon === -1 ? host : host.slice(0, colon);
    rest = colon === -1 ? '' : host.slice(colon);
  }
  if (name === '' || (rest !== '' && !PORT.test(rest))) return undefined;
  return name.toLowerCase();
}
