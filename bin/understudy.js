#!/usr/bin/env node
// Runs the built CLI when the package is installed; in a checkout, runs the TypeScript source directly
// (Node 22.18+ strips types itself), so `npx understudy` works without a build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(existsSync(built) ? built.href : source.href);
const code = await main(process.argv.slice(2));
// A command that failed has nothing left to do: exit now, rather than wait on whatever its failure left
// open (a gateway that failed to listen still holds its demo upstreams), which would leave a failed
// command running forever. Its message is already out: stderr to a pipe, file or terminal is synchronous.
if (code !== 0) process.exit(code);
process.exitCode = code;
