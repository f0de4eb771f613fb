/**
 * A gateway over four chaos upstreams — Chat Completions, Responses, Anthropic Messages and Gemini — with routes
 * for serving a Responses client from each protocol and for falling back across them. Breakers are off,
 * so every test sees the same attempts whatever ran before it.
 */
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

export interface ResponsesFixture {
  gateway: Gateway;
  chat: ChaosServer;
  responses: ChaosServer;
  anthropic: ChaosServer;
  gemini: ChaosServer;
  close(): Promise<void>;
}

export async function startResponsesFixture(): Promise<ResponsesFixture> {
  const faults = {
    models: {
      down: { fault: 'status:503' },
      limited: { fault: 'status:429;retry-after=1' },
      overloaded: { fault: 'status:529' },
      cut: { fault: 'cut-after:0' },
      broken: { fault: 'error-frame:3' },
    },
  };
  const chat = await startChaosServer({ protocol: 'openai', scenario: faults });
  const responses = await startChaosServer({ protocol: 'openai-responses', scenario: faults });
  const anthropic = await startChaosServer({ protocol: 'anthropic', scenario: faults });
  const gemini = await startChaosServer({ protocol: 'gemini', scenario: faults });
  const route = (models: string[]) => ({ models, breaker: false as const });
  const gateway = await startGateway({
    config: {
      providers: {
        chat: { type: 'openai', baseUrl: chat.url },
        resp: { type: 'openai-responses', baseUrl: responses.url },
        claude: { type: 'anthropic', baseUrl: anthropic.url },
        gemini: { type: 'google-gla', baseUrl: gemini.url },
      },
      routes: {
        'via-chat': route(['chat:gpt-4o']),
        'via-responses': route(['resp:gpt-5']),
        'via-anthropic': route(['claude:claude-sonnet-4-5']),
        'via-gemini': route(['gemini:gemini-2.5-flash']),
        'down-then-claude': route(['chat:down', 'claude:claude-sonnet-4-5']),
        'limited-then-claude': route(['resp:limited', 'claude:claude-sonnet-4-5']),
        'cut-then-claude': route(['chat:cut', 'claude:claude-sonnet-4-5']),
        broken: route(['chat:broken']),
        unavailable: route(['chat:down', 'claude:overloaded']),
      },
    },
    port: 0,
    env: {},
    log: () => {},
  });
  return {
    gateway,
    chat,
    responses,
    anthropic,
    gemini,
    async close() {
      await gateway.close();
      await Promise.all([chat.close(), responses.close(), anthropic.close(), gemini.close()]);
    },
  };
}
