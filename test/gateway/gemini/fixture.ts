/**
 * A gateway over a Gemini chaos upstream and an OpenAI one, with routes for the Gemini endpoint's paths:
 * same protocol (`flash`), fallback from a failing Gemini upstream to OpenAI (`fallback`, `limited`, `cut`),
 * a stream that breaks after commit (`broken`), embeddings on Gemini (`embed`) and from Gemini to
 * OpenAI (`embed-fallback`), and
 * the `gemini-*` pattern Gemini CLI's model ids land on. Breakers are off so every test sees the same
 * attempts whatever ran before it.
 */
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../../src/gateway/index.ts';

export interface GeminiFixture {
  gateway: Gateway;
  gemini: ChaosServer;
  openai: ChaosServer;
  close(): Promise<void>;
}

export async function startGeminiFixture(
  extra: Partial<GatewayConfigInput> = {},
  extraEnv: Record<string, string> = {},
): Promise<GeminiFixture> {
  const gemini = await startChaosServer({
    protocol: 'gemini',
    scenario: {
      models: {
        'gemini-down': { fault: 'status:503' },
        'gemini-limited': { fault: 'status:429;retry-after=1' },
        // An error frame before any text: the stream is not committed yet, so it falls back.
        'gemini-cut': { fault: 'error-frame:0' },
        // After two pieces of text: committed, so the client gets an error chunk.
        'gemini-broken': { fault: 'error-frame:2' },
        'embedding-down': { fault: 'status:503' },
      },
    },
  });
  const openai = await startChaosServer({ protocol: 'openai' });
  const route = (models: string[], match?: string[]) => ({
    models,
    breaker: false as const,
    ...(match ? { match } : {}),
  });
  const config: GatewayConfigInput = {
    providers: {
      g: { type: 'google-gla', baseUrl: gemini.url },
      o: { type: 'openai', baseUrl: openai.url },
    },
    routes: {
      flash: route(['g:gemini-2.5-flash']),
      fallback: route(['g:gemini-down', 'o:gpt-4o']),
      limited: route(['g:gemini-limited', 'o:gpt-4o']),
      cut: route(['g:gemini-cut', 'o:gpt-4o']),
      broken: route(['g:gemini-broken', 'o:gpt-4o']),
      openai: route(['o:gpt-4o']),
      agents: route(['g:gemini-2.5-flash', 'o:gpt-4o'], ['gemini-*']),
      embed: route(['g:gemini-embedding-001']),
      'embed-fallback': route(['g:embedding-down', 'o:text-embedding-3-small']),
    },
    ...extra,
  };
  const env = {
    GOOGLE_GLA_API_KEY: 'upstream-gemini-key',
    OPENAI_API_KEY: 'upstream-openai-key',
    ...extraEnv,
  };
  const gateway = await startGateway({ config, port: 0, env, log: () => {} });
  return {
    gateway,
    gemini,
    openai,
    async close() {
      await gateway.close();
      await Promise.all([gemini.close(), openai.close()]);
    },
  };
}
