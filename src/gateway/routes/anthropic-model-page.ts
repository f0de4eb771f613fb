/**
 * One page of Anthropic's model list: `limit` (1–1000, default 20), and the cursors `after_id` and
 * `before_id`, answered with `has_more`, `first_id` and `last_id`, which `@anthropic-ai/sdk`'s
 * auto-pagination follows (`for await (const model of client.models.list())`).
 *
 * @example
 * anthropicModelPage(catalog, '/v1/models?limit=2&after_id=smart', toAnthropic)
 * // { data: [...two models after 'smart'], has_more: true, first_id: '…', last_id: '…' }
 */
import { GatewayError } from '../errors/gateway-error.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export function anthropicModelPage<Model extends { id: string }>(
  catalog: readonly Model[],
  url: string,
  shape: (model: Model) => Record<string, unknown>,
): Record<string, unknown> {
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const limit = limitOf(query.get('limit'));
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  let start = 0;
  let end = catalog.length;
  if (afterId !== null) start = indexOf(catalog, afterId, 'after_id') + 1;
  if (beforeId !== null) end = indexOf(catalog, beforeId, 'before_id');
  // Paging backwards (before_id alone) takes the models just before the cursor, as Anthropic's does.
  const backwards = beforeId !== null && afterId === null;
  const page = backwards
    ? catalog.slice(Math.max(start, end - limit), end)
    : catalog.slice(start, Math.min(end, start + limit));
  const hasMore = backwards ? end - page.length > start : start + page.length < end;
  return {
    data: page.map(shape),
    has_more: hasMore,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}

function limitOf(text: string | null): number {
  if (text === null) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new GatewayError(
      400,
      'invalid_request',
      `limit: must be a whole number from 1 to ${MAX_LIMIT}, got '${text.slice(0, 50)}'.`,
      { param: 'limit' },
    );
  }
  return limit;
}

function indexOf(catalog: readonly { id: string }[], id: string, param: string): number {
  const index = catalog.findIndex((model) => model.id === id);
  if (index === -1) {
    throw new GatewayError(
      400,
      'invalid_request',
      `${param}: '${id.slice(0, 100)}' is not a model this key can list; take ids from a previous page.`,
      { param },
    );
  }
  return index;
}
