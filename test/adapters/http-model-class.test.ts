import { describe, expect, test } from 'vitest';
import { AnthropicModel } from '../../src/adapters/anthropic/model.ts';
import { GoogleModel } from '../../src/adapters/google/model.ts';
import { HttpModel } from '../../src/adapters/http-model.ts';
import { OpenAIChatModel } from '../../src/adapters/openai-chat/model.ts';
import { OpenAIResponsesModel } from '../../src/adapters/openai-responses/model.ts';
import { localProvider } from '../support/local-provider.ts';

const provider = localProvider('http://127.0.0.1:9', { name: 'test', protocol: 'openai-chat' });

describe('adapter classes built by httpModelClass', () => {
  test.each([
    ['OpenAIChatModel', OpenAIChatModel],
    ['OpenAIResponsesModel', OpenAIResponsesModel],
    ['AnthropicModel', AnthropicModel],
    ['GoogleModel', GoogleModel],
  ])('%s keeps its name, its constructor and instanceof', (name, Adapter) => {
    const model = new Adapter('some-model', { provider, settings: { maxTokens: 7 } });
    expect(Adapter.name).toBe(name);
    expect(model).toBeInstanceOf(Adapter);
    expect(model).toBeInstanceOf(HttpModel);
    expect([model.modelName, model.system, model.settings]).toEqual(['some-model', 'test', { maxTokens: 7 }]);
  });

  test('each adapter is its own class: one is never an instance of another', () => {
    const chat = new OpenAIChatModel('m', { provider });
    expect(chat).not.toBeInstanceOf(OpenAIResponsesModel);
    expect(new AnthropicModel('m', { provider })).not.toBeInstanceOf(GoogleModel);
  });
});
