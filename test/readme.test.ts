/**
 * The README's examples must run as written: each TypeScript block is a file in examples/, byte for byte,
 * and each of those files runs to completion with the output the README promises.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
const examples = new Map(
  readdirSync(new URL('examples/', root))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => [name, readFileSync(new URL(`examples/${name}`, root), 'utf8')]),
);

async function runExample(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--conditions=understudy-source', `examples/${name}`], {
    cwd: root,
    timeout: 30_000,
  });
  return stdout;
}

describe('README', () => {
  test('has TypeScript examples, each the exact text of a file in examples/', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const match = [...examples].find(([, text]) => text === block);
      expect(match, `README block not found verbatim in examples/:\n${block.slice(0, 200)}`).toBeDefined();
    }
  });

  test('the fallback example prints the served model and its attempts, as the README shows', async () => {
    const stdout = await runExample('fallback.ts');
    const shown = /```\n(claude-sonnet-4-5 answered[\s\S]*?)```/.exec(readme)![1]!;
    expect(stdout.split('\n').map((line) => line.trimEnd())).toEqual(`${shown}`.split('\n'));
  });

  test('the balancing example rotates a rate-limited key, then rests it, as the README shows', async () => {
    const stdout = await runExample('balancing.ts');
    const shown = /```\n(echo: Hello! ← east[\s\S]*?)```/.exec(readme)![1]!;
    expect(stdout).toBe(shown);
  });

  test('the stream example streams the second model after the first fails before its first token', async () => {
    const stdout = await runExample('stream.ts');
    expect(stdout).toContain('served by gpt-4o-mini, finish reason stop, 2 attempts');
  });
});

test('the agent example calls the tool, answers, and records the fallback', async () => {
  const stdout = await runExample('agent.ts');
  expect(stdout).toContain('→ calling weather(');
  expect(stdout).toContain('attempt: gpt-4o error (rate_limit)');
  expect(stdout).toContain('attempt: gpt-4o-mini ok');
  expect(stdout).toMatch(/structured output: \{ city: '.*', celsius: \d+ \}/);
});

test('the gateway client example gets answers through a gateway in demo mode', async () => {
  const { startGateway } = await import('../src/gateway/index.ts');
  const gateway = await startGateway({ port: 0, env: {}, log: () => {} });
  try {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=understudy-source', 'examples/gateway-client.ts'],
      {
        cwd: root,
        timeout: 30_000,
        env: { ...process.env, UNDERSTUDY_URL: `${gateway.url}/v1` },
      },
    );
    const [first, second] = stdout.trim().split('\n');
    expect(first).toMatch(
      /^chaos-(openai:gpt-4o|anthropic:claude-sonnet-4-5|gemini:gemini-2\.5-flash): echo: Hello through the gateway!$/,
    );
    expect(second).toMatch(/^chaos-(openai:gpt-4o|gemini:gemini-2\.5-flash) after \d+ attempt\(s\)$/);
  } finally {
    await gateway.close();
  }
});

test("the README's gateway config is examples/understudy.yaml, and it is valid", async () => {
  const { parseConfigText } = await import('../src/gateway/config/load-config.ts');
  const yaml = readFileSync(new URL('examples/understudy.yaml', root), 'utf8');
  expect(readme).toContain(`\`\`\`yaml\n${yaml}\`\`\``);
  const config = parseConfigText(yaml, 'examples/understudy.yaml');
  expect(Object.keys(config.routes ?? {})).toEqual(['smart', 'claude', 'background']);
  expect(config.routes?.smart?.models).toHaveLength(3);
  expect(config.routes?.claude?.match).toEqual(['claude-*']);
  expect(config.routing?.map((rule) => rule.route)).toEqual(['background']);
  expect(config.groups?.['gpt-4o']?.deployments).toEqual(['openai:gpt-4o', 'team:gpt-4o']);
  expect(config.providers?.team?.apiKeys).toEqual(['TEAM_OPENAI_KEY_1', 'TEAM_OPENAI_KEY_2']);
});
