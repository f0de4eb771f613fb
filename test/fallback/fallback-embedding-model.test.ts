import { describe, expect, it } from 'vitest';
import type { EmbeddingModel, EmbeddingResult } from '../../src/core/embedding.ts';
import { ModelHTTPError, UserError } from '../../src/core/errors/index.ts';
import { emptyUsage } from '../../src/core/usage.ts';
import { FallbackEmbeddingModel } from '../../src/fallback/fallback-embedding-model.ts';
import { FallbackExceptionGroup } from '../../src/fallback/fallback-errors.ts';

/** An embedding model that fails with the given errors, in turn, then answers `[value]` per input. */
function fake(
  modelName: string,
  value: number,
  failures: unknown[] = [],
): EmbeddingModel & { calls: number } {
  return {
    modelName,
    system: 'fake',
    calls: 0,
    async embed(inputs): Promise<EmbeddingResult> {
      this.calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      const usage = emptyUsage();
      usage.inputTokens = inputs.length;
      return {
        embeddings: inputs.map(() => new Float32Array([value])),
        usage,
        modelName,
        providerName: 'fake',
      };
    },
  };
}

const overloaded = () => new ModelHTTPError(503, 'a', { error: { message: 'busy' } });

describe('FallbackEmbeddingModel', () => {
  it('serves from the first model that answers, with the attempts on the result', async () => {
    const model = new FallbackEmbeddingModel(fake('a', 1, [overloaded()]), fake('b', 2), { breaker: false });
    const result = await model.embed(['x', 'y']);
    expect(result.embeddings).toEqual([new Float32Array([2]), new Float32Array([2])]);
    expect(result.modelName).toBe('b');
    expect(result.attempts?.map((a) => [a.modelName, a.outcome, a.errorKind])).toEqual([
      ['a', 'error', 'overloaded'],
      ['b', 'ok', undefined],
    ]);
    expect(model.modelName).toBe('fallback:a,b');
  });

  it('retries a model as the policy says before moving on, on the same engine as FallbackModel', async () => {
    const first = fake('a', 1, [overloaded()]);
    const model = new FallbackEmbeddingModel(first, fake('b', 2), {
      breaker: false,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    expect((await model.embed(['x'])).modelName).toBe('a');
    expect(first.calls).toBe(2);
  });

  it('throws what fallbackOn does not accept as it is, and a FallbackExceptionGroup when all fail', async () => {
    const mistake = new UserError('no key');
    await expect(new FallbackEmbeddingModel(fake('a', 1, [mistake]), fake('b', 2)).embed(['x'])).rejects.toBe(
      mistake,
    );
    const all = new FallbackEmbeddingModel(fake('a', 1, [overloaded()]), fake('b', 2, [overloaded()]), {
      breaker: false,
    });
    const error = await all.embed(['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect((error as FallbackExceptionGroup).errors).toHaveLength(2);
  });

  it('skips a model whose breaker is open', async () => {
    const first = fake('a', 1, [overloaded(), overloaded(), overloaded()]);
    const model = new FallbackEmbeddingModel(first, fake('b', 2), { breaker: { failureThreshold: 1 } });
    await model.embed(['x']);
    const second = await model.embed(['x']);
    expect(first.calls).toBe(1);
    expect(second.attempts?.[0]).toMatchObject({ modelName: 'a', outcome: 'skipped' });
  });

  it('takes only embedding models', () => {
    expect(() => new FallbackEmbeddingModel(fake('a', 1), {} as never, { breaker: false })).toThrow(
      UserError,
    );
  });
});
