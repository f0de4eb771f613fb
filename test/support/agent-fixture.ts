/**
 * The requests coding agents really send, kept under test/fixtures/agents/ for the pass-through replay
 * tests. An agent writes its working folder, home and install paths into its prompt, so a recording
 * names this machine's folders: they are replaced by neutral ones before the fixture is written (the
 * replay compares the bytes the gateway forwards with the bytes it was given, whatever they are).
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
// mkdtemp's folders of the agent suites (`understudy-codex-0Uwm4R`), also in Claude Code's dashed form.
const SESSION = /understudy-(claude-code|codex|gemini-cli)-[A-Za-z0-9]{6}/g;

/** `text` with the checkout, the temp folder and each session folder named neutrally. */
export function withoutMachinePaths(text: string): string {
  return text.replaceAll(CHECKOUT, '/project').replaceAll(tmpdir(), '/tmp').replace(SESSION, '$1-session');
}

/** Writes `fixture` as indented JSON, without this machine's paths. */
export async function writeAgentFixture(file: string | URL, fixture: unknown): Promise<void> {
  await writeFile(file, withoutMachinePaths(`${JSON.stringify(fixture, null, 2)}\n`));
}
