/**
 * The one place an AI SDK model's failures become ours, so a FallbackModel classifies them like any
 * adapter's: an `APICallError` with a status becomes a `ModelHTTPError` (its kind from status and body),
 * one without a status a network `ModelAPIError`, and other AI SDK errors (unparseable bodies, invalid
 * responses) an `UnexpectedModelBehavior`. Recognized by the AI SDK's own error markers, so no runtime
 * import of `@ai-sdk/provider` is needed.
 *
 * @example
 * try { await languageModel.doGenerate(options); } catch (error) { throw fromAISDKError(error, 'gpt-4o'); }
 */
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../core/errors/index.ts';

const API_CALL_ERROR = Symbol.for('vercel.ai.error.AI_APICallError');
const ANY_AI_SDK_ERROR = Symbol.for('vercel.ai.error');

interface APICallErrorShape {
  message: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
}

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

export function fromAISDKError(error: unknown, modelName: string): unknown {
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (hasMarker(error, API_CALL_ERROR)) {
    const apiError = error as APICallErrorShape;
    if (apiError.statusCode !== undefined) {
      const mapped = new ModelHTTPError(
        apiError.statusCode,
        modelName,
        parseBody(apiError.responseBody),
        apiError.responseHeaders ?? {},
      );
      mapped.cause = error;
      return mapped;
    }
    return new ModelAPIError(modelName, apiError.message, { kind: 'network', cause: error });
  }
  if (hasMarker(error, ANY_AI_SDK_ERROR)) {
    return new UnexpectedModelBehavior((error as Error).message, { modelName, cause: error });
  }
  // fetch() reports a refused or reset connection as a TypeError.
  if (error instanceof TypeError && /fetch failed|network|socket/i.test(error.message)) {
    return new ModelAPIError(modelName, error.message, { kind: 'network', cause: error });
  }
  return error;
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return '';
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
