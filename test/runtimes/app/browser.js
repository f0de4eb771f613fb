// Chromium: the page and the chaos servers share an origin (the test proxies /v1 to one and /model to the
// other), so the results land on `window.smokeResults` without any CORS in the way.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

window.smokeResults = runSmoke(understudy, { openai: `${location.origin}/v1`, bedrock: location.origin });
