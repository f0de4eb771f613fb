#!/usr/bin/env node
// Runs the built CLI when the package is installed; in a checkout, runs the TypeScript source directly
// (Node 22.18+ strips types itself), so `npx understudy` works without a build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);
const { main, exitWith } = await import(existsSync(built) ? built.href : source.href);
exitWith(await main(process.argv.slice(2)));
