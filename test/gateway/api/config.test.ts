// biome-ignore-all lint/suspicious/noTemplateCurlyInString: YAML env references are what these tests are about
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, inject, parseConfigText, startGateway } from '../../../src/gateway/index.ts';

describe('config validation', () => {
  it('names the bad key path and its line', () => {
    const text = [
      'providers:',
      '  openai:',
      "    apiKey: '${OPENAI_API_KEY}'",
      'routes:',
      '  smart:',
      '    models: [openai:gpt-4o]',
      '    retries: 50',
      '',
    ].join('\n');
    expect(() => parseConfigText(text, 'understudy.yaml')).toThrow(ConfigError);
    expect(() => parseConfigText(text, 'understudy.yaml')).toThrow(
      /^understudy\.yaml:7: routes\.smart\.retries: /,
    );
  });

  it('refuses a literal upstream key, pointing at its line', () => {
    const text = ['providers:', '  openai:', '    apiKey: sk-live-123456', ''].join('\n');
    expect(() => parseConfigText(text, 'u.yaml')).toThrow(
      /^u\.yaml:3: providers\.openai\.apiKey: .*env reference/,
    );
  });

  it('accepts both env reference forms and stores only the variable names', () => {
    const config = parseConfigText(
      [
        'providers:',
        "  openai: { apiKey: '${OPENAI_API_KEY}' }",
        '  backup: { type: anthropic, apiKey: { env: BACKUP_KEY } }',
        '',
      ].join('\n'),
    );
    expect(config.providers).toEqual({
      openai: { apiKey: 'OPENAI_API_KEY' },
      backup: { type: 'anthropic', apiKey: 'BACKUP_KEY' },
    });
  });

  it('reports an unknown key and YAML syntax errors with lines', () => {
    expect(() =>
      parseConfigText('routes:\n  a:\n    models: [x:y]\n    fallback: [rate_limit]\n', 'c.yaml'),
    ).toThrow(/^c\.yaml:2: routes\.a: Unrecognized key: "fallback"/);
    expect(() => parseConfigText('routes:\n  a: [unclosed\n', 'c.yaml')).toThrow(/^c\.yaml:\d+: /);
  });

  it('parses sizes and client entries', () => {
    const config = parseConfigText(
      'server: { bodyLimit: 512kb }\nclients:\n  - { name: app, key: { env: APP_KEY }, limits: { requestsPerMinute: 5 } }\n',
    );
    expect(config.server?.bodyLimit).toBe(512 * 1024);
    expect(config.clients).toEqual([{ name: 'app', key: 'APP_KEY', limits: { requestsPerMinute: 5 } }]);
    expect(() => parseConfigText('clients:\n  - { name: app }\n', 'c.yaml')).toThrow(
      /^c\.yaml:2: clients\[0\]: give exactly one of/,
    );
  });
});

describe('reload', () => {
  it('swaps in a new config; a bad one is refused and the old one keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'understudy-config-'));
    const path = join(dir, 'understudy.yaml');
    await writeFile(path, 'routes:\n  first: { models: [test] }\n');
    const gateway = await startGateway({ config: path, port: 0, env: {}, watchConfig: false, log: () => {} });
    try {
      const models = async () =>
        (
          (await inject(gateway.handler, { method: 'GET', url: '/v1/models' })).json() as {
            data: Array<{ id: string }>;
          }
        ).data.map((m) => m.id);
      expect(await models()).toEqual(['first', 'test']);
      await writeFile(path, 'routes:\n  second: { models: [test] }\n');
      await gateway.reload();
      expect(await models()).toEqual(['second', 'test']);
      await writeFile(path, 'routes:\n  third: { models: [] }\n');
      await expect(gateway.reload()).rejects.toThrow(/understudy\.yaml:2: routes\.third\.models: /);
      expect(await models()).toEqual(['second', 'test']);
    } finally {
      await gateway.close();
      await rm(dir, { recursive: true });
    }
  });

  it('reloads on SIGHUP and when the file changes, logging a bad file and keeping the old config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'understudy-config-'));
    const path = join(dir, 'understudy.yaml');
    await writeFile(path, 'routes:\n  first: { models: [test] }\n');
    const lines: string[] = [];
    const gateway = await startGateway({ config: path, port: 0, env: {}, log: (line) => lines.push(line) });
    const routes = async () =>
      (
        (await inject(gateway.handler, { method: 'GET', url: '/v1/models' })).json() as {
          data: Array<{ id: string }>;
        }
      ).data.map((m) => m.id);
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    try {
      await writeFile(path, 'routes:\n  watched: { models: [test] }\n');
      await until(async () => (await routes()).includes('watched'));
      expect(await routes()).toEqual(['watched', 'test']);
      expect(lines).toContain('config reloaded (file changed)');

      await writeFile(path, 'routes:\n  broken: { models: [] }\n');
      await until(async () => lines.some((line) => line.startsWith('config reload failed (file changed)')));
      expect(await routes()).toEqual(['watched', 'test']);

      await writeFile(path, 'routes:\n  hup: { models: [test] }\n');
      process.emit('SIGHUP', 'SIGHUP');
      await until(async () => (await routes()).includes('hup'));
      expect(lines).toContain('config reloaded (SIGHUP)');
    } finally {
      await gateway.close();
      await rm(dir, { recursive: true });
    }
  });

  it('lets a request in flight finish on the config it started with', async () => {
    const gateway = await startGateway({
      config: { routes: { r: { models: ['test'] } } },
      port: 0,
      env: {},
      log: () => {},
    });
    try {
      const pending = inject(gateway.handler, {
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'r', messages: [{ role: 'user', content: 'hi' }] },
      });
      await gateway.reload({ routes: { other: { models: ['test'] } } });
      expect((await pending).status).toBe(200);
      const after = await inject(gateway.handler, {
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'r', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(after.status).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});

describe('embedded default', () => {
  it('requires UNDERSTUDY_CLIENT_KEYS when set and no config says otherwise', async () => {
    const gateway = await startGateway({
      port: 0,
      env: { OPENAI_API_KEY: 'sk-test-not-used', UNDERSTUDY_CLIENT_KEYS: 'k1, k2' },
      log: () => {},
    });
    try {
      const list = (headers: Record<string, string>) =>
        inject(gateway.handler, { method: 'GET', url: '/v1/models', headers });
      expect((await list({})).status).toBe(401);
      expect((await list({ authorization: 'Bearer k2' })).status).toBe(200);
      expect(gateway.demo).toBe(false);
    } finally {
      await gateway.close();
    }
  });

  it('serves the chaos demo, said in the first log line, with no config and no keys', async () => {
    const lines: string[] = [];
    const gateway = await startGateway({ port: 0, env: {}, log: (line) => lines.push(line) });
    try {
      expect(gateway.demo).toBe(true);
      expect(lines[0]).toMatch(/^DEMO MODE: /);
      const res = await inject(gateway.handler, {
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'demo', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(res.status).toBe(200);
      expect(
        (res.json() as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
      ).toBe('echo: hi');
    } finally {
      await gateway.close();
    }
  });
});

describe('upstream keys', () => {
  it('a provider whose key variable is unset answers 502 naming the variable, never a key', async () => {
    const gateway = await startGateway({
      config: { providers: { openai: { apiKey: { env: 'UNSET_KEY_VAR' } } } },
      port: 0,
      env: {},
      log: () => {},
    });
    try {
      const res = await inject(gateway.handler, {
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'openai:gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(res.status).toBe(502);
      expect((res.json() as { error: { message: string } }).error.message).toMatch(
        /^The gateway cannot call this model: No API key for provider 'openai'/,
      );
    } finally {
      await gateway.close();
    }
  });
});

describe('hedging', () => {
  it('a route with hedgeAfterMs serves from the second model while the first is still silent', async () => {
    const { startChaosServer } = await import('../../../src/chaos/index.ts');
    const slow = await startChaosServer({
      protocol: 'openai',
      scenario: { latency: { firstTokenMs: 2000 } },
    });
    const fast = await startChaosServer({ protocol: 'openai' });
    const gateway = await startGateway({
      config: {
        providers: {
          slow: { type: 'openai', baseUrl: slow.url },
          fast: { type: 'openai', baseUrl: fast.url },
        },
        routes: { hedged: { models: ['slow:gpt-4o', 'fast:gpt-4o'], hedgeAfterMs: 50, breaker: false } },
      },
      port: 0,
      env: {},
      log: () => {},
    });
    try {
      const started = Date.now();
      const res = await inject(gateway.handler, {
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'hedged', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-understudy-model']).toBe('fast:gpt-4o');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await gateway.close();
      await Promise.all([slow.close(), fast.close()]);
    }
  });
});

describe('server.upstreamConnectionsPerOrigin', () => {
  /** An OpenAI-compatible upstream that answers after 60 ms and counts the connections it was given. */
  async function countingUpstream() {
    const { createServer } = await import('node:http');
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              id: 'chatcmpl-1',
              object: 'chat.completion',
              created: 1,
              model: 'gpt-4o',
              choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }),
          );
        }, 60),
      );
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      connections: () => connections,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('caps the connections to an upstream, and a reload without it lifts the cap', async () => {
    const upstream = await countingUpstream();
    const config = (server: Record<string, unknown>) => ({
      providers: { up: { type: 'openai', baseUrl: upstream.url } },
      server,
    });
    const gateway = await startGateway({
      config: config({ upstreamConnectionsPerOrigin: 1 }),
      port: 0,
      env: {},
      log: () => {},
    });
    const fourAtOnce = () =>
      Promise.all(
        Array.from({ length: 4 }, () =>
          inject(gateway.handler, {
            method: 'POST',
            url: '/v1/chat/completions',
            body: { model: 'up:gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
          }).then((res) => res.status),
        ),
      );
    try {
      expect(await fourAtOnce()).toEqual([200, 200, 200, 200]);
      expect(upstream.connections()).toBe(1);
      await gateway.reload(config({}));
      expect(await fourAtOnce()).toEqual([200, 200, 200, 200]);
      expect(upstream.connections()).toBe(5);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });

  it('refuses a cap that is not a positive whole number, naming the key', () => {
    expect(() => parseConfigText('server:\n  upstreamConnectionsPerOrigin: 0\n', 'u.yaml')).toThrow(
      /^u\.yaml:2: server\.upstreamConnectionsPerOrigin: /,
    );
  });
});
