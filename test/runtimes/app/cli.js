// Node, Bun and Deno: the chaos server's URL is the first argument; the results go to stdout as JSON.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
console.log(JSON.stringify(await runSmoke(understudy, args[0])));
