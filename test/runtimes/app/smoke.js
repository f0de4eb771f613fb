/**
 * The portable smoke: what a new user does first with the library, on whatever runtime loads this file.
 * Plain JavaScript with no runtime API beyond what every one of them has (fetch, timers, AbortController),
 * against a chaos server whose faults it asks for by header. Each check answers 'ok' or what went wrong,
 * so one failing check does not hide the others.
 */
const PROMPT = 'hello from the runtime';
const ECHO = `echo: ${PROMPT}`;

/**
 * Runs every check with the library's module namespace against the chaos servers: `openai` and `bedrock`
 * are their base URLs (Bedrock's requests are signed with SigV4, so signing runs on the runtime too).
 */
export async function runSmoke(lib, { openai: baseUrl, bedrock }) {
  const {
    inferModel,
    FallbackModel,
    ModelAPIError,
    ModelHTTPError,
    FallbackExceptionGroup,
    userPrompt,
    responseText,
  } = lib;
  const hello = [{ kind: 'request', parts: [userPrompt(PROMPT)] }];
  const model = (fault) =>
    inferModel('openai:gpt-4o-mini', {
      baseUrl,
      apiKey: 'smoke',
      settings: fault ? { extraHeaders: { 'x-chaos': fault } } : undefined,
    });
  const expectEcho = (text) => {
    if (text !== ECHO) throw new Error(`expected ${JSON.stringify(ECHO)}, got ${JSON.stringify(text)}`);
  };

  const signed = () =>
    inferModel('bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', {
      baseUrl: bedrock,
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'smoke-secret',
        AWS_REGION: 'us-east-1',
      },
    });

  const checks = {
    imports: async () => {
      for (const name of [
        'inferModel',
        'FallbackModel',
        'ModelHTTPError',
        'FallbackExceptionGroup',
        'Agent',
      ]) {
        if (typeof lib[name] !== 'function') throw new Error(`${name} is not exported`);
      }
    },
    request: async () => expectEcho(responseText(await model().request(hello))),
    stream: async () => {
      const stream = await model('tokens-per-second:200').requestStream(hello);
      let deltas = 0;
      for await (const event of stream) if (event.kind === 'part-delta') deltas++;
      if (deltas < 2) throw new Error(`expected the answer in several deltas, got ${deltas}`);
      expectEcho(responseText(stream.get()));
    },
    'fallback on 503': async () => {
      const fellBack = [];
      const fallback = new FallbackModel(model('status:503'), model(), {
        onFallback: (event) => fellBack.push(event.error?.statusCode),
      });
      expectEcho(responseText(await fallback.request(hello)));
      if (fellBack.join() !== '503') throw new Error(`expected one fallback past a 503, got [${fellBack}]`);
    },
    abort: async () => {
      const controller = new AbortController();
      const reason = new Error('the user went away');
      setTimeout(() => controller.abort(reason), 100);
      const outcome = await model('hang')
        .request(hello, { signal: controller.signal })
        .then(
          () => 'answered',
          (error) => error,
        );
      if (outcome !== reason) throw new Error(`expected the abort reason, got ${String(outcome)}`);
    },
    'first-token deadline': async () => {
      const kinds = [];
      // A wide margin both ways: the healthy model must beat the deadline on a loaded machine too.
      const fallback = new FallbackModel(model('slow-first-token:60000'), model(), {
        firstTokenTimeoutMs: 2000,
        onFallback: (event) => kinds.push(event.error?.kind),
      });
      const stream = await fallback.requestStream(hello);
      for await (const _event of stream);
      expectEcho(responseText(stream.get()));
      if (kinds.join() !== 'timeout') throw new Error(`expected one fallback on timeout, got [${kinds}]`);
    },
    'typed error': async () => {
      const error = await model('status:429;retry-after=2')
        .request(hello)
        .then(
          () => undefined,
          (e) => e,
        );
      if (!(error instanceof ModelHTTPError) || error.statusCode !== 429 || error.kind !== 'rate_limit') {
        throw new Error(`expected a ModelHTTPError 429 rate_limit, got ${String(error)}`);
      }
      const all = new FallbackModel(model('status:500'), model('status:503'));
      const group = await all.request(hello).then(
        () => undefined,
        (e) => e,
      );
      if (!(group instanceof FallbackExceptionGroup) || group.errors.length !== 2) {
        throw new Error(`expected a FallbackExceptionGroup of 2, got ${String(group)}`);
      }
    },
    'refused connection': async () => {
      // Port 9 (discard) has no listener on loopback, and browsers refuse it outright: either way the
      // runtime's own failure must come out as the same kind.
      const refused = inferModel('openai:gpt-4o-mini', { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'smoke' });
      const error = await refused.request(hello).then(
        () => undefined,
        (e) => e,
      );
      if (!(error instanceof ModelAPIError) || error.kind !== 'network') {
        throw new Error(`expected a ModelAPIError of kind network, got ${String(error)} (${error?.kind})`);
      }
    },
    'bedrock, signed': async () => {
      expectEcho(responseText(await signed().request(hello)));
      const stream = await signed().requestStream(hello);
      for await (const _event of stream) {
        // read to the end
      }
      expectEcho(responseText(stream.get()));
    },
  };

  const results = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      results[name] = 'ok';
    } catch (error) {
      results[name] = String(error?.stack ?? error).slice(0, 600);
    }
  }
  return results;
}
