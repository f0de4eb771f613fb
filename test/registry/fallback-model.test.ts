import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import * as fallback from '../../src/fallback/fallback-model.ts';
import { FallbackModel } from '../../src/registry/fallback-model.ts';
import { FunctionModel } from '../../src/testing/function.ts';

const local = new FunctionModel(() => ({ parts: [{ partKind: 'text', content: 'ok' }] }), {
  modelName: 'local',
});

describe('FallbackModel with provider:model ids', () => {
  test('builds each id with inferModel, in place, beside Model instances', () => {
    const model = new FallbackModel('openai:gpt-4o', local, 'anthropic:claude-sonnet-4-5', {
      timeoutMs: 1000,
    });
    expect(model.models.map((m) => `${m.system}/${m.modelName}`)).toEqual([
      'openai/gpt-4o',
      'function/local',
      'anthropic/claude-sonnet-4-5',
    ]);
    expect(model).toBeInstanceOf(fallback.FallbackModel);
  });

  test('an unknown provider prefix is a UserError naming it', () => {
    expect(() => new FallbackModel('nosuch:model', local)).toThrow(/nosuch/);
    expect(() => new FallbackModel('nosuch:model', local)).toThrow(UserError);
  });

  test('neither a Model nor an id is refused with what it takes', () => {
    expect(() => new FallbackModel(local, 42 as unknown as string)).toThrow(
      "FallbackModel takes Model instances or 'provider:model' strings.",
    );
  });
});
