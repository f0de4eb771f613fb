/**
 * A gateway over two chaos upstreams (one OpenAI-protocol, one Anthropic-protocol) with routes that
 * exercise each fallback and failure path. Breakers are off in these routes so every test sees the same
 * attempts whatever ran before it.
 */
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../../src/gateway/index.ts';

export interface GatewayFixture {
  gateway: Gateway;
  openaiUpstream: ChaosServer;
  anthropicUpstream: ChaosServer;
  close(): Promise<void>;
}

export async function startFixture(
  extra: Partial<GatewayConfigInput> = {},
  env: Record<string, string> = {},
): Promise<GatewayFixture> {
  const openaiUpstream = await startChaosServer({
    protocol: 'openai',
    scenario: {
      models: {
        'gpt-4o': { fault: 'status:429;retry-after=1' },
        down: { fault: 'status:503' },
        broken: { fault: 'error-frame:3' },
        boom: { fault: 'status:500' },
        bad: { fault: 'status:400' },
      },
    },
  });
  const anthropicUpstream = await startChaosServer({
    protocol: 'anthropic',
    scenario: {
      models: { 'claude-down': { fault: 'status:529' }, 'claude-broken': { fault: 'error-frame:2' } },
    },
  });
  const route = (models: string[]) => ({ models, breaker: false as const });
  const config: GatewayConfigInput = {
    providers: {
      a: { type: 'openai', baseUrl: openaiUpstream.url },
      b: { type: 'anthropic', baseUrl: anthropicUpstream.url },
    },
    routes: {
      main: route(['a:gpt-4o', 'b:claude-sonnet-4-5']),
      limited: route(['a:gpt-4o']),
      unavailable: route(['a:down', 'b:claude-down']),
      failing: route(['a:boom', 'a:down']),
      rejected: route(['a:bad']),
      broken: route(['a:broken']),
      'broken-anthropic': route(['b:claude-broken']),
    },
    ...extra,
  };
  const gateway = await startGateway({ config, port: 0, env, log: () => {} });
  return {
    gateway,
    openaiUpstream,
    anthropicUpstream,
    async close() {
      await gateway.close();
      await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
    },
  };
}
