// Node, Bun and Deno: the chaos servers' URLs are the arguments; the results go to stdout as JSON.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
console.log(JSON.stringify(await runSmoke(understudy, { openai: args[0], bedrock: args[1] })));
