/**
 * Gemini's schemas as JSON Schema. `parameters` and `responseSchema` take Google's OpenAPI subset, whose
 * types are upper case (`OBJECT`, `STRING`) and whose `nullable: true` JSON Schema writes as a `null`
 * type; Gemini CLI writes upper-case types even into `responseJsonSchema`. Every other keyword the two
 * share (`properties`, `items`, `required`, `enum`, `description`, `format`, `anyOf`, bounds) is kept
 * as is; `propertyOrdering` (a Gemini-only ordering hint) is left out.
 *
 * @example
 * toJsonSchema({ type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } })
 * // { type: 'object', properties: { n: { type: ['integer', 'null'] } } }
 */

// Bounded by the gateway's JSON depth limit on request bodies, so the recursion is too.
export function toJsonSchema(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in schema) {
    const value = schema[key];
    if (key === 'propertyOrdering' || key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'type' && Array.isArray(value))
      out.type = value.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
    else if ((key === 'properties' || key === '$defs' || key === 'definitions') && isRecord(value)) {
      const properties: Record<string, unknown> = {};
      for (const name in value) {
        const property = value[name];
        properties[name] = isRecord(property) ? toJsonSchema(property) : property;
      }
      out[key] = properties;
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isRecord(value))
      out[key] = toJsonSchema(value);
    else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value))
      out[key] = value.map((item) => (isRecord(item) ? toJsonSchema(item) : item));
    else out[key] = value;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
