// Cloudflare workerd: the chaos server's URL arrives as a binding, the results go back as the response.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

export default {
  async fetch(_request, env) {
    return Response.json(await runSmoke(understudy, env.CHAOS_URL));
  },
};
