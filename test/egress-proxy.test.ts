import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EgressProxy, isolatedEnv, startEgressProxy } from './support/egress-proxy.ts';

const run = promisify(execFile);

// A child Node process (as the agent CLIs are) fetching through the proxy from the isolated environment.
async function childFetch(proxy: EgressProxy, url: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}).then(async r => console.log(r.status, await r.text()), e => console.log('error', e.cause?.message ?? e.message))`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: isolatedEnv(proxy, { NO_PROXY: '', no_proxy: '' }),
  });
  return stdout.trim();
}

describe('the egress proxy for child processes', () => {
  let proxy: EgressProxy;
  let local: http.Server;
  let localUrl: string;
  beforeAll(async () => {
    proxy = await startEgressProxy();
    local = http.createServer((_req, res) => res.end('local answer'));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => local.close(resolve));
  });

  it('refuses and records a request bound for the internet, over https (CONNECT) and http', async () => {
    expect(await childFetch(proxy, 'https://api.anthropic.com/v1/messages')).toMatch(/^error/);
    // Node's fetch tunnels plain http through CONNECT too.
    expect(await childFetch(proxy, 'http://example.com/')).toMatch(/^error/);
    expect(proxy.refused.splice(0)).toEqual(['CONNECT api.anthropic.com:443', 'CONNECT example.com:80']);
  });

  it('refuses an absolute-form plain-HTTP request (curl, older clients) and forwards a loopback one', async () => {
    const viaProxy = (url: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(proxy.url);
        http
          .get({ host: '127.0.0.1', port, path: url }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve(`${res.statusCode} ${text}`));
          })
          .on('error', reject);
      });
    expect(await viaProxy('http://example.com/')).toBe('403 egress refused in a test: example.com');
    expect(proxy.refused.splice(0)).toEqual(['GET example.com']);
    expect(await viaProxy(localUrl)).toBe('200 local answer');
  });

  it('passes loopback traffic through, for a client that proxies even 127.0.0.1', async () => {
    expect(await childFetch(proxy, localUrl)).toBe('200 local answer');
    expect(proxy.refused).toEqual([]);
  });

  it('gives the child nothing of the parent environment but PATH', () => {
    const env = isolatedEnv(proxy, { HOME: '/tmp/x' });
    expect(
      Object.keys(env)
        .filter((key) => !/proxy/i.test(key))
        .sort(),
    ).toEqual(['HOME', 'PATH']);
  });
});
