/**
 * Reads a sampling heap profile (bench/profile/profile-gateway.ts --alloc) and prints the bytes
 * allocated by each function, most first: what makes the garbage that young-generation collections
 * then spend their pauses on.
 *
 * Run: node bench/profile/summarize-heap-profile.ts <file> [--top 40] [--requests N]
 */
import { readFileSync } from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const args = process.argv.slice(2);
const file = args[0];
if (!file) throw new Error('usage: summarize-heap-profile.ts <file> [--top N] [--requests N]');
const top = Number(args[args.indexOf('--top') + 1] ?? 40) || 40;
const requests = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : undefined;
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };

const byFunction = new Map<string, number>();
let total = 0;
const walk = (node: HeapNode): void => {
  const url = node.callFrame.url.replace(/^file:\/\/.*?\/work\/main\//, '') || '(native)';
  const name = `${node.callFrame.functionName || '(anonymous)'} ${url}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(head);
const per = (bytes: number) => (requests ? ` ${(bytes / requests).toFixed(0).padStart(6)} B/request` : '');
console.log(`total sampled ${(total / 2 ** 20).toFixed(1)} MiB${per(total)}`);
for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}% ${per(bytes)}  ${name}`);
}
