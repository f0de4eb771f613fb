/**
 * A chat request after its protocol has been read: what both `/v1/chat/completions` and `/v1/messages`
 * turn into before routing, so that routing, limits and the attempt engine never see a wire format.
 */
import type { ModelMessage } from '../../core/messages.ts';
import type { ModelRequestParameters } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';

export interface ChatCall {
  /** `model` first, then `models` in order: `'provider:model'` ids or route names. */
  modelIds: string[];
  messages: ModelMessage[];
  settings: ModelSettings;
  params: ModelRequestParameters;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: a last chunk with usage and cost. */
  includeUsage: boolean;
  /**
   * OpenAI `response_format: json_schema` is sent to every provider as an output tool of this name; its
   * arguments come back to the client as the message content.
   */
  outputToolName: string | undefined;
  /** A cheap estimate of the prompt's tokens (characters / 4), for the tokens-per-minute limit. */
  estimatedInputTokens: number;
  /**
   * Fields the request holds that no other protocol can carry (an Anthropic server tool): fine for a
   * model that takes the request as it is, a 400 naming the field for any chain that would translate it.
   */
  untranslatable?: UntranslatableField[] | undefined;
  /** Anthropic `thinking.display: 'omitted'`: thinking blocks keep their signature, not their text. */
  omitThinking?: boolean | undefined;
}

/** A request field with no equivalent in another protocol, and what it is, for the 400 that names it. */
export interface UntranslatableField {
  param: string;
  what: string;
}
