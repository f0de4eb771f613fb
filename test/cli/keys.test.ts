import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from './run-bin.ts';

/** `understudy keys` as a user runs it: the real bin, a SQLite file, exit codes and messages. */
describe('understudy keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-keys-cli-'));
  const database = join(dir, 'keys.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a key (printed once), lists it without the key, and revokes it', async () => {
    const created = await runBin([
      'keys',
      'create',
      '--name',
      'ci',
      '--budget',
      '50/month',
      '--routes',
      'smart,fast',
      '--database',
      database,
    ]);
    expect(created.code).toBe(0);
    const key = created.stdout.split('\n')[0]!;
    expect(key).toMatch(/^us-[A-Za-z0-9_-]{32}$/);
    expect(created.stdout).toContain('only its hash is stored');

    const listed = await runBin(['keys', 'list', '--database', database, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        name: 'ci',
        budgets: ['50/month'],
        routes: ['smart', 'fast'],
        revokedAt: null,
      }),
    ]);
    expect(listed.stdout).not.toContain(key);

    expect((await runBin(['keys', 'revoke', 'ci', '--database', database])).stdout).toMatch(/^Revoked 'ci'/);
    const again = await runBin(['keys', 'revoke', 'ci', '--database', database]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("no live key with id or name 'ci'");
  });

  it('says what to type instead, with exit code 2', async () => {
    const typo = await runBin(['keys', 'craete', '--database', database]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown action 'craete' — did you mean 'create'?");
    const budget = await runBin([
      'keys',
      'create',
      '--name',
      'x',
      '--budget',
      '5/week',
      '--database',
      database,
    ]);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain("--budget '5/week' is not a budget");
    const nowhere = await runBin(['keys', 'list'], { cwd: dir });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("keys live in the gateway's database");
  });
});
