/**
 * Writes stream events as Gemini's `streamGenerateContent`: a GenerateContentResponse chunk per piece of
 * text or thought, a function call whole in a chunk of its own once its arguments are complete (Gemini
 * never streams arguments), and a last chunk with the finish reason and `usageMetadata`. With `alt=sse`
 * each chunk is an SSE `data:` frame (CRLF-separated, as Google sends them); without it the stream is
 * one JSON array, `[chunk,\r\nchunk]`. A failure after commit is a chunk `{"error":{...}}`, as Google
 * sends one mid-stream.
 *
 * @example
 * const writer = new GeminiStreamWriter(served, { includeThoughts: false, outputToolName: undefined }, true);
 * socket.write(writer.start() + writer.event(firstEvent));
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import { toolCallArgsJson } from '../../core/messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import { geminiErrorObject } from './error.ts';
import {
  argsObject,
  functionCallPart,
  geminiFinishReason,
  geminiUsage,
  type RenderOptions,
} from './response.ts';

export class GeminiStreamWriter implements StreamWriter {
  readonly contentType: string;
  private readonly options: RenderOptions;
  private readonly sse: boolean;
  /** `,"modelVersion":…,"responseId":…}`: the same on every chunk, so built once. */
  private readonly suffix: string;
  private chunks = 0;
  /** A thought signature waiting for the next part, which carries it as Gemini's do. */
  private signature: string | undefined;

  constructor(served: ServedModel, options: RenderOptions, sse: boolean) {
    this.options = options;
    this.sse = sse;
    this.contentType = sse ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8';
    this.suffix = `,"modelVersion":${JSON.stringify(served.modelId)},"responseId":${JSON.stringify(served.responseId)}}`;
  }

  start(): string {
    return this.sse ? '' : '[';
  }

  event(event: ModelResponseStreamEvent): string {
    if (event.kind === 'part-start') {
      const part = event.part;
      if (part.partKind === 'text') return part.content === '' ? '' : this.text(part.content, '');
      if (part.partKind === 'thinking') return this.thought(part.content);
      return '';
    }
    if (event.kind === 'part-delta') {
      const delta = event.delta;
      if (delta.partKind === 'text')
        return delta.contentDelta === '' ? '' : this.text(delta.contentDelta, '');
      if (delta.partKind === 'thinking') return this.thought(delta.contentDelta ?? '');
      return '';
    }
    const part = event.part;
    if (part.partKind === 'thinking') {
      if (part.signature && !part.redacted) this.signature = part.signature;
      return '';
    }
    if (part.partKind !== 'tool-call') return '';
    if (part.toolName === this.options.outputToolName) return this.part({ text: toolCallArgsJson(part) });
    return this.part(functionCallPart(part.toolName, part.toolCallId, argsObject(part)));
  }

  finish(response: ModelResponse): string {
    const last: Record<string, unknown> = { text: '' };
    if (this.signature !== undefined) last.thoughtSignature = this.signature;
    this.signature = undefined;
    const candidate = {
      content: { parts: [last], role: 'model' },
      finishReason: geminiFinishReason(response.finishReason),
      index: 0,
    };
    const chunk = `{"candidates":[${JSON.stringify(candidate)}],"usageMetadata":${JSON.stringify(geminiUsage(response.usage))}${this.suffix}`;
    return this.frame(chunk) + (this.sse ? '' : ']');
  }

  error(error: GatewayError): string {
    return this.frame(JSON.stringify({ error: geminiErrorObject(error) })) + (this.sse ? '' : ']');
  }

  private thought(text: string): string {
    if (text === '' || !this.options.includeThoughts) return '';
    return this.text(text, ',"thought":true');
  }

  /** A text or thought part, the one a stream writes most: written by hand, with one stringify of the text. */
  private text(text: string, fields: string): string {
    let part = `{"text":${JSON.stringify(text)}${fields}`;
    if (this.signature !== undefined) {
      part += `,"thoughtSignature":${JSON.stringify(this.signature)}`;
      this.signature = undefined;
    }
    return this.chunk(`${part}}`);
  }

  private part(wire: Record<string, unknown>): string {
    if (this.signature !== undefined) {
      wire.thoughtSignature = this.signature;
      this.signature = undefined;
    }
    return this.chunk(JSON.stringify(wire));
  }

  private chunk(part: string): string {
    return this.frame(
      `{"candidates":[{"content":{"parts":[${part}],"role":"model"},"index":0}]${this.suffix}`,
    );
  }

  private frame(chunk: string): string {
    if (this.sse) return `data: ${chunk}\r\n\r\n`;
    return this.chunks++ === 0 ? chunk : `,\r\n${chunk}`;
  }
}
