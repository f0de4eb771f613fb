/**
 * The conditions that make a FallbackModel move on: error classes, error kinds, error handlers, and
 * response handlers (made explicit with `onResponse`, since TypeScript cannot tell a handler's parameter
 * type at run time the way pydantic-ai reads Python type hints).
 *
 * @example
 * new FallbackModel(a, b, { fallbackOn: [ModelHTTPError, 'timeout', onResponse((r) => r.parts.length === 0)] });
 */
import { ERROR_KINDS, type ErrorKind, isErrorKind, UserError } from '../core/errors/index.ts';
import type { ModelResponse } from '../core/messages.ts';

/** Any Error subclass (abstract ones too). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Decides from an error whether to fall back. */
export type ErrorHandler = (error: unknown) => boolean | Promise<boolean>;

/** Decides from a successful response whether to reject it and fall back; build it with `onResponse`. */
export interface ResponseHandler {
  readonly kind: 'response-handler';
  readonly check: (response: ModelResponse) => boolean | Promise<boolean>;
}

export type FallbackCondition = ErrorClass | ErrorKind | ErrorHandler | ResponseHandler;

/** The `fallbackOn` option: one condition or an array of them; the first truthy answer wins. */
export type FallbackOn = FallbackCondition | readonly FallbackCondition[];

/**
 * Marks a function as a response handler: it returns true to reject the response and try the next model.
 *
 * @example
 * const emptyAnswer = onResponse((response) => responseText(response).trim() === '');
 */
export function onResponse(check: (response: ModelResponse) => boolean | Promise<boolean>): ResponseHandler {
  return { kind: 'response-handler', check };
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

function isResponseHandler(value: unknown): value is ResponseHandler {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as ResponseHandler).kind === 'response-handler' &&
    typeof (value as ResponseHandler).check === 'function'
  );
}

const VALID_FORMS =
  'an Error class, an error kind string, an (error) => boolean handler, onResponse(fn), or an array of these';

/** `fallbackOn` parsed once at construction into the checks the attempt engine asks. */
export class FallbackConditions {
  /** Error classes, kinds and handlers, in the order given: the first truthy answer wins. */
  private readonly errorChecks: ErrorHandler[] = [];
  private readonly responseHandlers: ResponseHandler[] = [];
  /** Kinds named in `fallbackOn`: the user asked to fall back on these even where the policy would fail. */
  readonly kinds = new Set<ErrorKind>();

  constructor(fallbackOn: FallbackOn) {
    const items: readonly unknown[] = Array.isArray(fallbackOn) ? fallbackOn : [fallbackOn];
    if (items.length === 0) {
      throw new UserError(
        'FallbackModel created with an empty fallbackOn: every error would propagate and every response be accepted. ' +
          'Leave fallbackOn out for the default [ModelAPIError].',
      );
    }
    for (const item of items) {
      if (isErrorClass(item)) {
        this.errorChecks.push((error) => error instanceof item);
      } else if (isResponseHandler(item)) {
        this.responseHandlers.push(item);
      } else if (typeof item === 'function') {
        this.errorChecks.push(item as ErrorHandler);
      } else if (isErrorKind(item)) {
        this.kinds.add(item);
        this.errorChecks.push((error) => (error as { kind?: unknown } | null)?.kind === item);
      } else if (typeof item === 'string') {
        throw new UserError(
          `Unknown error kind '${item}' in fallbackOn; valid kinds: ${ERROR_KINDS.join(', ')}.`,
        );
      } else {
        throw new UserError(`fallbackOn item ${describe(item)} is not valid: use ${VALID_FORMS}.`);
      }
    }
  }

  get hasResponseHandlers(): boolean {
    return this.responseHandlers.length > 0;
  }

  /** Whether any condition accepts this error as a reason to fall back. */
  async acceptsError(error: unknown): Promise<boolean> {
    for (const check of this.errorChecks) if (await check(error)) return true;
    return false;
  }

  /** Whether any response handler rejects this response. */
  async rejectsResponse(response: ModelResponse): Promise<boolean> {
    for (const handler of this.responseHandlers) if (await handler.check(response)) return true;
    return false;
  }
}

function describe(item: unknown): string {
  if (item === null) return 'null';
  if (typeof item === 'object') return `of type object (${JSON.stringify(item)?.slice(0, 80) ?? 'object'})`;
  return `${String(item)} of type ${typeof item}`;
}
