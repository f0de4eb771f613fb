/**
 * Any Model — a FallbackModel above all — as an AI SDK language model, so `generateText` and
 * `streamText` from `ai` get Understudy's fallback, retries and breakers without changing their code.
 * The served model, its provider and the attempt trace travel in `providerMetadata.understudy`.
 *
 * @example
 * import { generateText } from 'ai';
 * const { text, providerMetadata } = await generateText({
 *   model: toAISDK(new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5')),
 *   prompt: 'Hello',
 * });
 * providerMetadata?.understudy?.attempts; // [{ modelName: 'gpt-4o', outcome: 'error', ... }, ...]
 */
import type {
  JSONObject,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import type { ModelResponse, ModelResponsePart, ModelResponseStreamEvent } from '../../core/messages.ts';
import { toolCallArgsJson } from '../../core/messages.ts';
import type { Model, StreamedResponse } from '../../core/model.ts';
import { fromAISDKPrompt } from './convert-prompt.ts';
import { fromAISDKCallOptions } from './map-call-options.ts';
import { toAISDKFinishReason, toAISDKUsage } from './map-result.ts';

export interface ToAISDKOptions {
  /** The AI SDK provider id; default `understudy`. */
  provider?: string;
}

/**
 * Wraps a Model as an AI SDK `LanguageModelV4`.
 *
 * @example
 * const result = streamText({ model: toAISDK(fallback), prompt: 'Tell me a story' });
 * for await (const delta of result.textStream) process.stdout.write(delta);
 */
export function toAISDK(model: Model, options: ToAISDKOptions = {}): LanguageModelV4 {
  return {
    specificationVersion: 'v4',
    provider: options.provider ?? 'understudy',
    modelId: model.modelName,
    // URLs go to the model as they are; each adapter decides how to send them.
    supportedUrls: { '*/*': [/^https?:\/\//] },

    async doGenerate(callOptions: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
      const { settings, params, warnings } = fromAISDKCallOptions(callOptions);
      const response = await model.request(fromAISDKPrompt(callOptions.prompt), settings, params);
      const result: LanguageModelV4GenerateResult = {
        content: response.parts.flatMap(contentOf),
        finishReason: toAISDKFinishReason(response.finishReason, response.rawFinishReason),
        usage: toAISDKUsage(response.usage),
        providerMetadata: metadataOf(response),
        warnings,
        response: { modelId: response.modelName, timestamp: response.timestamp },
      };
      if (response.providerResponseId !== undefined) result.response!.id = response.providerResponseId;
      return result;
    },

    async doStream(callOptions: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
      const { settings, params, warnings } = fromAISDKCallOptions(callOptions);
      // Awaited here so a failure before the first event rejects doStream, as the AI SDK expects.
      const streamed = await model.requestStream(fromAISDKPrompt(callOptions.prompt), settings, params);
      return { stream: streamParts(streamed, warnings) };
    },
  };
}

function contentOf(part: ModelResponsePart): LanguageModelV4Content[] {
  switch (part.partKind) {
    case 'text':
      return [{ type: 'text', text: part.content }];
    case 'thinking':
      return part.content === '' ? [] : [{ type: 'reasoning', text: part.content }];
    case 'tool-call':
      return [
        {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: toolCallArgsJson(part),
        },
      ];
  }
}

function metadataOf(response: ModelResponse): SharedV4ProviderMetadata {
  const understudy: JSONObject = { modelName: response.modelName, providerName: response.providerName };
  if (response.usage.cost !== undefined) understudy.cost = response.usage.cost;
  // JSON round trip: attempts hold only plain values, and the metadata must be JSON.
  if (response.attempts) understudy.attempts = JSON.parse(JSON.stringify(response.attempts));
  return { understudy };
}

function streamParts(
  streamed: StreamedResponse,
  warnings: LanguageModelV4GenerateResult['warnings'],
): ReadableStream<LanguageModelV4StreamPart> {
  let iterator: AsyncIterator<ModelResponseStreamEvent> | undefined;
  // Tool-call deltas carry only the part's index; the AI SDK names tool input by the call id.
  const toolCallIds = new Map<number, string>();
  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
      controller.enqueue({ type: 'response-metadata', modelId: streamed.modelName });
      iterator = streamed[Symbol.asyncIterator]();
    },
    async pull(controller) {
      try {
        const next = await iterator!.next();
        if (next.done) {
          const response = streamed.get();
          controller.enqueue({
            type: 'finish',
            usage: toAISDKUsage(response.usage),
            finishReason: toAISDKFinishReason(response.finishReason, response.rawFinishReason),
            providerMetadata: metadataOf(response),
          });
          controller.close();
          return;
        }
        for (const part of partsOf(next.value, toolCallIds)) controller.enqueue(part);
      } catch (error) {
        // After the first event a failure is in-band, never a silent end.
        controller.enqueue({ type: 'error', error });
        controller.close();
      }
    },
    cancel(reason) {
      streamed.cancel(reason);
    },
  });
}

function partsOf(
  event: ModelResponseStreamEvent,
  toolCallIds: Map<number, string>,
): LanguageModelV4StreamPart[] {
  const id = String(event.index);
  if (event.kind === 'part-start') {
    const part = event.part;
    if (part.partKind === 'text') {
      const parts: LanguageModelV4StreamPart[] = [{ type: 'text-start', id }];
      if (part.content !== '') parts.push({ type: 'text-delta', id, delta: part.content });
      return parts;
    }
    if (part.partKind === 'thinking') {
      const parts: LanguageModelV4StreamPart[] = [{ type: 'reasoning-start', id }];
      if (part.content !== '') parts.push({ type: 'reasoning-delta', id, delta: part.content });
      return parts;
    }
    toolCallIds.set(event.index, part.toolCallId);
    const parts: LanguageModelV4StreamPart[] = [
      { type: 'tool-input-start', id: part.toolCallId, toolName: part.toolName },
    ];
    const args = typeof part.args === 'string' ? part.args : JSON.stringify(part.args);
    if (args !== '') parts.push({ type: 'tool-input-delta', id: part.toolCallId, delta: args });
    return parts;
  }
  if (event.kind === 'part-delta') {
    const delta = event.delta;
    if (delta.partKind === 'text') return [{ type: 'text-delta', id, delta: delta.contentDelta }];
    if (delta.partKind === 'thinking') {
      return delta.contentDelta ? [{ type: 'reasoning-delta', id, delta: delta.contentDelta }] : [];
    }
    return [{ type: 'tool-input-delta', id: toolCallIds.get(event.index) ?? id, delta: delta.argsDelta }];
  }
  const part = event.part;
  if (part.partKind === 'text') return [{ type: 'text-end', id }];
  if (part.partKind === 'thinking') return [{ type: 'reasoning-end', id }];
  return [
    { type: 'tool-input-end', id: part.toolCallId },
    {
      type: 'tool-call',
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      input: toolCallArgsJson(part),
    },
  ];
}
