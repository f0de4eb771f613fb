/**
 * Runs the real Codex CLI (`codex exec`, non-interactive) against a gateway on 127.0.0.1, as a user
 * would: its own CODEX_HOME with a config.toml naming a custom model provider (wire_api "responses")
 * whose base_url is the gateway, update checks, analytics, OTel export, plugins, apps and web search off
 * (its sub-agent tools stay on: a namespace tool, which the gateway flattens), a temporary workspace, and every proxy variable aimed at the refusing egress proxy so
 * anything it tries to reach beyond loopback fails the test.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EgressProxy, isolatedEnv } from '../support/egress-proxy.ts';
import { jsonLines, runCli } from '../support/run-cli.ts';

export const CODEX = join(import.meta.dirname, '../../node_modules/.bin/codex');

/** What one `codex exec --json` run left behind. */
export interface CodexRun {
  code: number | null;
  /** The JSONL events Codex printed (thread.started, item.completed, turn.completed...). */
  events: Array<Record<string, unknown>>;
  stderr: string;
}

/**
 * The config.toml the README shows for Codex, so the README's config is the one tested: its model and
 * base_url set to this run's, and the keys the README lists for CI (no update check, plugins, apps,
 * analytics or OTel export) added.
 */
function configToml(baseUrl: string, model: string): string {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### Codex'));
  const shown = /```toml\n([\s\S]*?)```/.exec(section)?.[1];
  if (shown === undefined) throw new Error("README: no toml block under '#### Codex'");
  const config = shown
    .replace(/^model = .*$/m, `model = "${model}"`)
    .replace('base_url = "http://127.0.0.1:8787/v1"', `base_url = "${baseUrl}"`);
  if (!config.includes(baseUrl))
    throw new Error('README: the Codex config has no base_url to point at the gateway');
  return `check_for_update_on_startup = false
${config}
[features]
plugins = false
apps = false

[analytics]
enabled = false

[otel]
exporter = "none"
`;
}

/**
 * Runs `codex exec --json <prompt>` in a fresh workspace holding `files`, with `model` as the model id it
 * sends (a gateway route), and waits for it to exit.
 */
export async function runCodex(options: {
  /** Where Codex sends its calls: the gateway, or a recording proxy in front of it. */
  baseUrl: string;
  model: string;
  prompt: string;
  files: Record<string, string>;
  proxy: EgressProxy;
}): Promise<CodexRun> {
  const root = await mkdtemp(join(tmpdir(), 'understudy-codex-'));
  const home = join(root, 'codex-home');
  const work = join(root, 'work');
  try {
    await mkdir(home, { recursive: true });
    await mkdir(work, { recursive: true });
    await writeFile(join(home, 'config.toml'), configToml(`${options.baseUrl}/v1`, options.model));
    for (const [name, text] of Object.entries(options.files)) await writeFile(join(work, name), text);
    const env = isolatedEnv(options.proxy, {
      HOME: root,
      CODEX_HOME: home,
      UNDERSTUDY_API_KEY: 'test-key',
    });
    const args = ['exec', '--json', '--skip-git-repo-check', '--cd', work, options.prompt];
    const { code, stdout, stderr } = await runCli(CODEX, args, { env });
    const events = jsonLines<Record<string, unknown>>(stdout);
    return { code, events, stderr };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
