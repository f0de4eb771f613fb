import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { runKeysCommand } from '../../../src/cli/keys-command.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

/**
 * Client keys made without editing YAML — by the admin API and by `understudy keys` — against a running
 * gateway on a SQLite file, beside a key from the config file.
 */
const ADMIN = 'admin-secret-for-tests-0001';
const CONFIG_KEY = 'sk-config-key-for-tests-0001';

describe('managed client keys', () => {
  let chaos: ChaosServer;
  let gateway: Gateway;
  let dir: string;
  let database: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'understudy-keys-'));
    database = join(dir, 'ledger.db');
    chaos = await startChaosServer({ protocol: 'openai' });
    gateway = await startGateway({
      config: {
        providers: { a: { type: 'openai', baseUrl: chaos.url } },
        routes: { smart: { models: ['a:gpt-4o'] }, cheap: { models: ['a:gpt-4o-mini'] } },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference syntax
        clients: [{ name: 'from-config', key: '${CONFIG_KEY}' }],
        database,
        ledger: { flushIntervalMs: 100 },
      },
      port: 0,
      env: { CONFIG_KEY, UNDERSTUDY_ADMIN_KEY: ADMIN },
      log: () => {},
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await chaos?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (path: string, init: RequestInit = {}, key = ADMIN) =>
    fetch(`${gateway.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
  const ask = (key: string, model = 'smart') =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('refuses the admin API without the admin key', async () => {
    expect((await admin('/admin/keys', {}, 'wrong')).status).toBe(401);
    expect((await admin('/admin/keys', {}, CONFIG_KEY)).status).toBe(401);
  });

  it('makes a key that works at once, lists it without the key, and revokes it', async () => {
    const made = await admin('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'ci', budgets: ['50/month'], routes: ['smart'] }),
    });
    expect(made.status).toBe(200);
    const { key, id } = (await made.json()) as { key: string; id: string };
    expect(key).toMatch(/^us-/);
    await expect(ask(key)).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(ask(key, 'cheap')).rejects.toMatchObject({ status: 403 });
    await expect(ask(CONFIG_KEY)).resolves.toBeDefined();

    const listed = (await (await admin('/admin/keys')).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data).toEqual([
      expect.objectContaining({
        id,
        name: 'ci',
        budgets: ['50/month'],
        routes: ['smart'],
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key);

    const revoked = await admin(`/admin/keys/${id}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    await expect(ask(key)).rejects.toMatchObject({ status: 401 });
    await expect(ask(CONFIG_KEY)).resolves.toBeDefined();
  });

  it('says what is wrong with a bad request for a key', async () => {
    const bad = await admin('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', budgets: ['5/week'] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /'5\/week' is not a budget/,
    );
  });

  it('takes a key made by `understudy keys create` in another process within a flush interval', async () => {
    let printed = '';
    const code = await runKeysCommand(
      ['create', '--name', 'from-cli', '--budget', '0.000001/day', '--database', database],
      (text) => {
        printed += text;
      },
    );
    expect(code).toBe(0);
    const key = printed.split('\n')[0]!;
    // The gateway re-reads keys after each ledger flush (100 ms here).
    await expect
      .poll(
        async () =>
          await ask(key).then(
            () => 200,
            (error: { status: number }) => error.status,
          ),
        { timeout: 3000 },
      )
      .toBe(200);
    // Its budget, a millionth of a dollar a day, is spent by that first answer.
    await expect
      .poll(
        async () =>
          ask(key).then(
            () => 200,
            (error: { status: number }) => error.status,
          ),
        { timeout: 3000 },
      )
      .toBe(429);

    let list = '';
    await runKeysCommand(['list', '--database', database], (text) => {
      list += text;
    });
    expect(list).toMatch(/from-cli\s+live\s+0\.000001\/day/);
    expect(list).not.toContain(key);
  });
});
