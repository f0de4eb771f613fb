/**
 * The gateway's config file, as a zod schema. Upstream keys are only ever env references
 * (`${OPENAI_API_KEY}` or `{ env: OPENAI_API_KEY }`): the validated config holds variable names, never
 * secrets, so printing it cannot leak one. Client keys are sha256 hashes or env references.
 *
 * @example
 * providers:
 *   openai: { apiKey: '${OPENAI_API_KEY}' }
 *   backup: { type: anthropic, apiKey: { env: ANTHROPIC_BACKUP_KEY }, baseUrl: 'https://...' }
 *   azure-east: { type: azure, apiKeys: ['${AZURE_KEY_1}', '${AZURE_KEY_2}'], baseUrl: 'https://...' }
 * groups:
 *   gpt-4o: { strategy: latency, deployments: [openai:gpt-4o, azure-east:gpt-4o] }
 * routes:
 *   smart:
 *     models: [gpt-4o, { model: backup:claude-sonnet-4-5, settings: { temperature: 0.3 } }]
 *     fallbackOn: [rate_limit, overloaded, server, timeout]
 *     retries: 1
 *     timeoutMs: 60000
 *   claude: { models: [backup:claude-sonnet-4-5], match: ['claude-*'] }
 * routing:
 *   - { when: { inputTokensAbove: 60000 }, route: claude }
 * clients:
 *   - name: app
 *     sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
 *     limits: { requestsPerMinute: 600, tokensPerMinute: 200000 }
 *     routes: [smart]
 */
import { z } from 'zod';
import { ERROR_KINDS } from '../../core/errors/index.ts';
import { BALANCE_STRATEGIES } from '../../fallback/group/balance-strategy.ts';
import { modelPattern } from './model-pattern.ts';
import { platformSections } from './platform-schema.ts';
import { safeName } from './safe-name.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, 'must be an environment variable name');

/** `${NAME}` or `{ env: NAME }` → `NAME`. A literal key is refused: keys live in the environment. */
export const envReference = z.union(
  [
    z
      .string()
      .regex(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/)
      .transform((text) => text.slice(2, -1)),
    z.strictObject({ env: envName }).transform((ref) => ref.env),
  ],
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the literal syntax
    error: "must be an env reference such as '${NAME}' or { env: NAME } (keys are never written in the file)",
  },
);

const settingsOverride = z.strictObject({
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  timeout: z.number().positive().optional(),
  seed: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  stopSequences: z.array(z.string()).optional(),
  parallelToolCalls: z.boolean().optional(),
  thinking: z.union([z.boolean(), z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])]).optional(),
  extraHeaders: z.record(z.string(), z.string()).optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
});

const modelId = safeName.refine(
  (id) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(id),
  'a model id names a provider and a model, never a URL',
);

const routeModel = z.union([
  modelId,
  z.strictObject({ model: modelId, settings: settingsOverride.optional() }),
]);

const breaker = z.union([
  z.literal(false),
  z.strictObject({
    failureThreshold: z.number().int().positive().optional(),
    windowMs: z.number().int().positive().optional(),
    errorRatio: z.number().gt(0).max(1).optional(),
    minRequests: z.number().int().positive().optional(),
    cooldownMs: z.number().int().positive().optional(),
  }),
]);

export const routeSchema = z.strictObject({
  models: z.array(routeModel).min(1),
  /**
   * Model-name patterns (model-pattern.ts: `*` is any run of characters, the whole id matched,
   * case-sensitively) that send a requested id to this route, so any id an agent sends lands on one:
   * `match: ['claude-*']` serves Claude Code's `claude-sonnet-4-5-20250929`. An exact route name always
   * wins over a pattern, and among patterns the first route in config order with a matching one wins.
   * A pattern is only asked about ids that name no route and carry no known provider prefix (a
   * configured provider's name, or with none configured a provider-table prefix, before a `:`): an
   * explicit `'provider:model'` means that model, and a pattern never redirects it.
   */
  match: z.array(modelPattern).min(1).optional(),
  /** Error kinds that move to the next model (default: every model API error). */
  fallbackOn: z.array(z.enum(ERROR_KINDS)).min(1).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  retryBaseDelayMs: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  firstTokenTimeoutMs: z.number().int().positive().optional(),
  idleTimeoutMs: z.number().int().positive().optional(),
  /** Start the next model in parallel when the current one has no first content after this many ms. */
  hedgeAfterMs: z.number().int().positive().optional(),
  /** After a committed stream breaks, the next model continues the text already sent. */
  continueOnStreamFailure: z.boolean().optional(),
  breaker: breaker.optional(),
  settings: settingsOverride.optional(),
});

/**
 * A routing rule (claude-code-router's idea): when every condition holds, the request goes to `route`
 * whatever model it named. Rules are checked in order, before the model name is resolved; the first
 * that holds wins, and a request no rule takes is routed by its name.
 */
const routingRule = z.strictObject({
  when: z
    .strictObject({
      /** The request's input is estimated above this many tokens (characters / 4 over its text). */
      inputTokensAbove: z.number().int().min(0).optional(),
      /** The request asks for thinking (Anthropic `thinking`, OpenAI `reasoning_effort`), or does not. */
      thinking: z.boolean().optional(),
      /** The requested model id matches this pattern: e.g. an agent's background model, `claude-*haiku*`. */
      model: modelPattern.optional(),
    })
    .refine((when) => Object.keys(when).length > 0, {
      message: 'give at least one condition: inputTokensAbove, thinking or model',
    }),
  route: safeName,
});

export const providerSchema = z
  .strictObject({
    /** A prefix of the provider table (protocol, auth scheme, default base URL); default: the entry's name. */
    type: z.string().min(1).optional(),
    apiKey: envReference.optional(),
    /**
     * Several keys (a key pool): a 429 or quota error on one moves the call to the next key before the
     * route falls back; a key refused with 401/403 is taken out and reported by its fingerprint.
     */
    apiKeys: z.array(envReference).min(1).optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .refine((provider) => provider.apiKey === undefined || provider.apiKeys === undefined, {
    message: "give 'apiKey' (one key) or 'apiKeys' (a pool), not both",
  });

const groupDeployment = z.union([
  modelId,
  z.strictObject({
    model: modelId,
    /** How the trace, headers and metrics name it; default the model id. */
    name: safeName.optional(),
    /** `weighted`: its share of the calls relative to the others. Default 1. */
    weight: z.number().min(0).optional(),
    /** `cost`: USD per million input plus million output tokens; default from the price table. */
    price: z.number().min(0).optional(),
    settings: settingsOverride.optional(),
  }),
]);

/**
 * A balanced group: deployments judged equivalent, one chosen per call by `strategy`; a route names it
 * among its `models` like a model. A deployment that fails hands the call to the group's next one (the
 * last one left gets the route's retries); the route moves on when all have failed. Breakers stay per
 * deployment.
 */
export const groupSchema = z.strictObject({
  strategy: z.enum(BALANCE_STRATEGIES).optional(),
  deployments: z.array(groupDeployment).min(1),
  /** `latency`: half-life of the time-to-first-token average while a deployment is not measured. */
  latencyHalfLifeMs: z.number().int().positive().optional(),
  /** Draw the group's random choices from this seed: the same spread on every run (tests, demos). */
  seed: z.number().int().optional(),
});

const limits = z.strictObject({
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional(),
});

export const clientSchema = z
  .strictObject({
    name: safeName,
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be the hex sha256 of the key (64 hex digits)')
      .optional(),
    key: envReference.optional(),
    limits: limits.optional(),
    /** Route names this key may use; absent means every route and model id. */
    routes: z.array(safeName).optional(),
  })
  .refine((client) => (client.sha256 === undefined) !== (client.key === undefined), {
    message: "give exactly one of 'sha256' (the key's hash) or 'key' (an env reference)",
  });

const allowedHost = z
  .string()
  .regex(
    /^(\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])$/i,
    "must be a host name such as 'gateway.internal' or '.example.test' (no scheme, no port)",
  )
  .transform((host) => host.toLowerCase());

const byteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(b|kb|kib|mb|mib)$/i, "must be a size such as '1mb' or '512kb'")
    .transform(parseByteSize),
]);

export const gatewayConfigSchema = z
  .strictObject({
    server: z
      .strictObject({
        bodyLimit: byteSize.optional(),
        maxJsonDepth: z.number().int().min(2).max(1000).optional(),
        /** On shutdown, how long in-flight requests may take to finish before they are ended with an error. */
        drainTimeoutMs: z.number().int().min(0).max(600_000).optional(),
        /** Allowed origins for browsers; `'*'` for any. Absent: no CORS headers. */
        cors: z.union([z.literal('*'), z.array(safeName)]).optional(),
        /**
         * Host names a gateway listening on a loopback address answers to besides its own (localhost,
         * `*.localhost`, 127.0.0.0/8, `[::1]`), as dev servers do (Vite's `server.allowedHosts`): a name
         * that starts with a dot allows its subdomains too (`.example.test`), `'*'` allows any. Requests
         * naming another host get a 403, which stops DNS rebinding: a web page whose domain now resolves
         * to 127.0.0.1 would otherwise reach the gateway as its own origin and read the answers. A gateway
         * listening on any other address does not check.
         */
        allowedHosts: z.union([z.literal('*'), z.array(allowedHost)]).optional(),
        /**
         * At most this many connections to each upstream origin (api.openai.com, ...); requests beyond it
         * wait for a free one. Absent: no cap, as a gateway holding many open streams needs one each.
         */
        upstreamConnectionsPerOrigin: z.number().int().positive().optional(),
      })
      .optional(),
    providers: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'provider names are lower-case words'),
        providerSchema,
      )
      .optional(),
    routes: z.record(safeName, routeSchema).optional(),
    /** Balanced groups of deployments, named in a route's `models` (or by a request) like a model. */
    groups: z.record(safeName, groupSchema).optional(),
    /** Rules that pick a route by what a request is (long, thinking, a small model) before its name counts. */
    routing: z.array(routingRule).optional(),
    clients: z.array(clientSchema).optional(),
    /** Default limits for every client key that sets none. */
    limits: limits.optional(),
    /** A Redis URL: breaker state and rate limits shared by every gateway process. */
    redis: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    ...platformSections,
  })
  .superRefine((config, context) => {
    const routes = config.routes ?? {};
    for (const [name, group] of Object.entries(config.groups ?? {})) {
      if (Object.hasOwn(routes, name)) {
        context.addIssue({
          code: 'custom',
          path: ['groups', name],
          message: `is also a route's name: a request naming '${name}' must mean one thing, so rename one`,
        });
      }
      group.deployments.forEach((entry, index) => {
        const id = typeof entry === 'string' ? entry : entry.model;
        if (!id.includes(':')) {
          context.addIssue({
            code: 'custom',
            path: ['groups', name, 'deployments', index],
            message: `'${id}' is not a 'provider:model' id: a group's deployments are models (groups do not nest in the config)`,
          });
        }
      });
    }
    config.routing?.forEach((rule, index) => {
      if (Object.hasOwn(routes, rule.route)) return;
      const known = Object.keys(routes);
      context.addIssue({
        code: 'custom',
        path: ['routing', index, 'route'],
        message: `names the route '${rule.route}', which is not under routes: ${known.length > 0 ? `add it, or name one of ${known.join(', ')}` : 'add it there'}`,
      });
    });
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
/** A config as written (sizes as text, keys as `${NAME}`), before validation. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type GroupConfig = z.output<typeof groupSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type LimitsConfig = z.output<typeof limits>;
export type RoutingRule = z.output<typeof routingRule>;

function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text)!;
  const unit = match[2]!.toLowerCase();
  const factor = unit === 'b' ? 1 : unit.startsWith('k') ? 1024 : 1024 * 1024;
  return Math.round(Number(match[1]) * factor);
}
