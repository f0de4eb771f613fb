/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the time went: self time by
 * function and by file, and inclusive time of the functions whose name matches `--focus`. Self time
 * says what to fix; inclusive time says which caller it belongs to.
 *
 * Run: node bench/profile/summarize-cpu-profile.ts <file.cpuprofile> [--top 40] [--focus regex]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile> [--top N] [--focus regex]');
const top = Number(args[args.indexOf('--top') + 1] ?? 40) || 40;
const focusAt = args.indexOf('--focus');
const focus = focusAt === -1 ? undefined : new RegExp(args[focusAt + 1]!);

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Each sample's time is the delta to the next sample; attribute it to the sampled (leaf) node.
const selfUs = new Map<number, number>();
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + us);
  totalUs += us;
}

const shortUrl = (url: string) =>
  url.replace(/^file:\/\/.*?\/work\/main\//, '').replace(/^node:/, 'node:') || '(native)';
const label = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

function table(title: string, totals: Map<string, number>): void {
  console.log(`\n${title}`);
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, us] of rows)
    console.log(
      `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
}

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const name = label(node);
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  const fileName = shortUrl(node.callFrame.url).replace(/^.*node_modules\/([^/]+(\/[^/]+)?)\/.*$/, 'pkg:$1');
  byFile.set(fileName, (byFile.get(fileName) ?? 0) + us);
}
console.log(`total sampled ${(totalUs / 1000).toFixed(0)} ms`);
table('self time by function', byFunction);
table('self time by file (node_modules grouped by package)', byFile);

if (focus) {
  // Inclusive: a sample counts once for each distinct matching frame on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      const name = label(node);
      if (focus.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  table(`inclusive time of frames matching ${focus}`, inclusive);
}
