/**
 * Reads a whole `generateContent` answer. It goes through the same GoogleResponseReader as each chunk of
 * a stream, so a response read whole and the same response streamed come out identical.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { GoogleResponseReader } from './response-reader.ts';
import { parseGenerateContent } from './stream.ts';

/**
 * The response of one whole answer, or the in-band error it carries (an error object, a withheld answer).
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('gemini-2.5-flash', 'google-gla'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const reader = new GoogleResponseReader(builder);
  // Drain the events: the non-stream path applies exactly the stream's processing.
  for (const _ of reader.consume(parseGenerateContent(answer.text, builder.modelName, false)));
  const withheld = reader.withheldError();
  if (withheld) throw withheld;
  for (const _ of builder.endAll());
  return builder.snapshot();
}
