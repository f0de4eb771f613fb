// Cloudflare workerd: the chaos servers' URLs arrive as bindings, the results go back as the response.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

export default {
  async fetch(_request, env) {
    return Response.json(await runSmoke(understudy, { openai: env.OPENAI_URL, bedrock: env.BEDROCK_URL }));
  },
};
