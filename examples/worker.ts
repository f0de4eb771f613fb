// A Cloudflare Worker, no `nodejs_compat` needed: keys and base URLs come from the Worker's own env.
import { FallbackModel, inferModel, responseText, userPrompt } from 'understudy';

type Env = { OPENAI_API_KEY: string; ANTHROPIC_API_KEY: string };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const model = new FallbackModel(
      inferModel('openai:gpt-4o-mini', { env }),
      inferModel('anthropic:claude-haiku-4-5', { env }),
    );
    const question = new URL(request.url).searchParams.get('q') ?? 'Say hello';
    const response = await model.request([{ kind: 'request', parts: [userPrompt(question)] }]);
    return new Response(`${response.modelName}: ${responseText(response)}`);
  },
};
