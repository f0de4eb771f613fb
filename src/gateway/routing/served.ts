/**
 * What the client is told about the model that answered: its id in our terms (`provider:model`, the
 * form the client may send back), the id of this response, and its creation time.
 */
export interface ServedModel {
  /** `provider:model`, e.g. `openai:gpt-4o`. */
  modelId: string;
  /** `chatcmpl-…` or `msg_…`, made by the gateway (the upstream's own id stays upstream). */
  responseId: string;
  /** Epoch seconds. */
  created: number;
}
