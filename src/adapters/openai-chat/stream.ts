/**
 * Reads a Chat Completions SSE body into stream events. The stream ends in exactly one of two ways: the
 * `[DONE]` marker (then every open part is closed and the finish reason is set), or a thrown error — an
 * error frame, a malformed frame, a body cut short, a broken connection. It never just stops.
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { StreamReaderInput } from '../../transport/http-call.ts';
import { finishAfterEndMarker, readSSE } from '../../transport/sse.ts';
import { bodyText } from '../body-text.ts';
import type { ProtocolStreamInput } from '../http-model.ts';
import { errorField, jsonInsteadOfStream } from '../in-band-errors.ts';
import { closingEvents, eventsThrough } from '../pass-through/raw-frames.ts';
import { type ChatCompletionChunk, chatCompletionChunkSchema } from './api.ts';
import { answers, inBandError, STREAM_END_MARKER } from './errors.ts';
import { plainTextDelta } from './plain-text-delta.ts';
import { applyDelta, applyEnvelope, applyFinishReason, mapUsage, newDeltaState } from './response-parts.ts';
import { isChatCompletionChunk } from './shape-check.ts';

/**
 * Yields the events of one streamed response.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName: 'gpt-4o',
 *   mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */
export async function* readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent> {
  const { builder, modelName } = input;
  const tap = input.rawFrames;
  const emit = eventsThrough(tap);
  if (input.headers['content-type']?.startsWith('application/json')) {
    throw await jsonBodyError(input);
  }
  const state = newDeltaState();
  let ended = false;
  let exhausted = false;
  // Frames are pulled by hand, not with `for await`: leaving that loop at the end marker would close a
  // body whose last bytes are still to be read, which costs far more than letting it finish.
  const frames = readSSE(input.body);
  try {
    for (;;) {
      const step = await frames.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      const frame = step.value;
      tap?.add(frame);
      if (frame.data === STREAM_END_MARKER) {
        ended = true;
        finishAfterEndMarker(frames, input.body);
        break;
      }
      // A pass-through writes the frame as it came: the usual token frame needs only its text scanned
      // (the first frame, which sets the response id, is always read in full).
      if (tap && builder.providerResponseId !== undefined && frame.event === undefined) {
        const text = scannedText(frame.data, modelName);
        if (text !== undefined) {
          const appended = text === '' ? undefined : builder.appendText('text', text);
          if (appended) yield tap.attachOne(appended);
          else if (text) for (const event of tap.attach(builder.textDelta('text', text))) yield event;
          continue;
        }
      }
      const chunk = parseFrame(frame.data, frame.event, modelName);
      applyEnvelope(builder, chunk);
      const usage = chunk.usage ?? chunk.x_groq?.usage;
      if (usage) builder.usage = mapUsage(usage);
      for (const choice of chunk.choices ?? []) {
        // Only the first choice is ours: we never ask for `n` > 1.
        if ((choice.index ?? 0) !== 0) continue;
        // for…of and yield, not yield*: delegating to a sync generator from an async one wraps every
        // event in an async-from-sync iterator and awaits its end too, a cost paid on every token.
        if (choice.delta) for (const event of emit(applyDelta(builder, choice.delta, state))) yield event;
        applyFinishReason(builder, choice.finish_reason);
      }
    }
  } catch (error) {
    exhausted = true; // a generator that threw is closed already
    throw input.mapReadFailure(error);
  } finally {
    // Stopped early by our consumer (a cancel, a break): close the body, as leaving `for await` did.
    if (!ended && !exhausted) await frames.return(undefined);
  }
  if (!ended) throw inBandError({ kind: 'truncated' }, modelName);
  yield* closingEvents(builder, tap);
}

function scannedText(data: string, modelName: string): string | undefined {
  try {
    return plainTextDelta(data);
  } catch (cause) {
    throw inBandError({ kind: 'malformed', where: 'stream', text: data, cause }, modelName);
  }
}

function parseFrame(data: string, event: string | undefined, modelName: string): ChatCompletionChunk {
  const json = answers.json(data, 'stream', modelName);
  const error = errorField(json);
  if (error !== undefined || event === 'error') {
    throw inBandError({ kind: 'error-object', error: error ?? json }, modelName);
  }
  if (isChatCompletionChunk(json)) return json;
  const parsed = chatCompletionChunkSchema.safeParse(json);
  if (!parsed.success) {
    throw inBandError({ kind: 'malformed', where: 'stream', text: data, cause: parsed.error }, modelName);
  }
  return parsed.data;
}

async function jsonBodyError(input: StreamReaderInput): Promise<unknown> {
  let text: string;
  try {
    text = await bodyText(input.body);
  } catch (error) {
    return input.mapReadFailure(error);
  }
  return inBandError(jsonInsteadOfStream(text), input.modelName);
}
