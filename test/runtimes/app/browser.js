// Chromium: the page and the chaos server share an origin (the test proxies one to the other), so the
// results land on `window.smokeResults` without any CORS in the way.
import * as understudy from 'understudy';
import { runSmoke } from './smoke.js';

window.smokeResults = runSmoke(understudy, `${location.origin}/v1`);
