/**
 * A catalog entry in Gemini's `Model` shape, as `GET /v1beta/models` lists it and `@google/genai`'s
 * `models.get` reads it: `name` is `models/{id}`, the methods are those the gateway serves on it. The
 * gateway knows no token limits of a route, so those fields are left out rather than guessed.
 *
 * @example
 * geminiModel({ id: 'smart', ownedBy: 'understudy' })
 * // { name: 'models/smart', baseModelId: 'smart', displayName: 'smart', supportedGenerationMethods: [...] }
 */
const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];

/** A catalog entry as routes/models.ts lists it (its `CatalogModel`, written out: that file imports this one). */
export function geminiModel(model: { id: string; ownedBy: string }): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: '001',
    displayName: model.id,
    description:
      model.ownedBy === 'understudy' ? 'A route of the Understudy gateway.' : `Served by ${model.ownedBy}.`,
    supportedGenerationMethods: METHODS,
  };
}
