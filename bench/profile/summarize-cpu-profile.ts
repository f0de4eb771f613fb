/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the time went: self time by
 * function and by file, and inclusive time of the functions whose name matches `--focus`. Self time
 * says what to fix; inclusive time says which caller it belongs to.
 *
 * `--requests N` adds a table by layer (the socket writes, GC, node's HTTP and runtime, undici, each of
 * our src/ layers) in µs per request, idle left out: how two processes profiled under the same load
 * (the floor and the gateway, bench/profile/profile-throughput.ts) compare, layer by layer.
 *
 * Run: node bench/profile/summarize-cpu-profile.ts <file.cpuprofile> [--top 40] [--focus regex] [--requests N]
 *      [--window fromUs-toUs]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  /** Monotonic clock, µs (CLOCK_MONOTONIC on Linux, as `process.hrtime`). */
  startTime: number;
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
const requestsAt = args.indexOf('--requests');
const requests = requestsAt === -1 ? undefined : Number(args[requestsAt + 1]);
// `--window from-to` (monotonic µs, as profile-throughput.ts prints): only the samples taken under load,
// without start-up (module loading and compiling) or the idle time around it.
const windowAt = args.indexOf('--window');
const [fromUs, toUs] =
  windowAt === -1 ? [0, Number.POSITIVE_INFINITY] : args[windowAt + 1]!.split('-').map(Number);

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Each sample's time is the delta to the next sample; attribute it to the sampled (leaf) node.
const selfUs = new Map<number, number>();
let totalUs = 0;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i]!;
  if (at < fromUs! || at > toUs!) continue;
  const us = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + us);
  totalUs += us;
}

const shortUrl = (url: string) =>
  url.replace(/^file:\/\/.*?\/(src|bench)\//, '$1/').replace(/^node:/, 'node:') || '(native)';
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

/** Where a frame's self time belongs, coarsely: what differs between a bare proxy and the gateway. */
function layerOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (url === '') {
    if (/^(writeUtf8String|writev|writeBuffer|writeLatin1String|writeAsciiString)$/.test(functionName))
      return 'socket writes (syscalls)';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return '(idle)';
    return 'other native (parsers, microtasks, program)';
  }
  const ours = /\/src\/([^/]+)\//.exec(url);
  if (ours) return `understudy src/${ours[1]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  if (url.startsWith('node:')) return "node's JavaScript (http, net, streams, events, timers)";
  return url.includes('/bench/') ? 'bench code' : 'other';
}

if (requests) {
  const byLayer = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const layer = layerOf(byId.get(id)!);
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
  }
  const busy = totalUs - (byLayer.get('(idle)') ?? 0);
  byLayer.delete('(idle)');
  console.log(`\nby layer, µs per request over ${requests} requests (busy ${(busy / 1000).toFixed(0)} ms)`);
  for (const [layer, us] of [...byLayer].sort((a, b) => b[1] - a[1]))
    console.log(
      `${(us / requests).toFixed(1).padStart(7)} µs  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${layer}`,
    );
}
