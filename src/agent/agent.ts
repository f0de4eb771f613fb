/**
 * An Agent: a model, instructions, tools and an output type, run as a loop until the model gives a valid
 * answer — pydantic-ai's Agent in TypeScript. The model may be any Model, so a FallbackModel makes the
 * whole run survive a provider outage.
 *
 * @example
 * const agent = new Agent(new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5'), {
 *   instructions: 'Answer in one sentence.',
 *   tools: [weather],
 *   output: z.object({ city: z.string(), celsius: z.number() }),
 * });
 * const { output, usage, attempts } = await agent.run('How warm is it in Paris?');
 */
import type { z } from 'zod';
import { UserError } from '../core/errors/index.ts';
import type { ModelMessage, UserContentItem } from '../core/messages.ts';
import type { Model } from '../core/model.ts';
import { type ModelSettings, mergeSettings } from '../core/settings.ts';
import { describeValue, wholeNumber } from '../core/user-input.ts';
import { inferModel } from '../registry/infer-model.ts';
import { OUTPUT_TOOL_NAME, type OutputMode, schemaOutput, textOutput } from './output.ts';
import { type AgentRunResult, runLoop } from './run-loop.ts';
import { AgentRunStream } from './run-stream.ts';
import { type AnyTool, checkTool } from './tools.ts';
import { checkUsageLimits, type UsageLimits } from './usage-limits.ts';

export interface AgentOptions<Output> {
  /** Sent as the system prompt at the start of a conversation. */
  instructions?: string;
  tools?: readonly AnyTool[];
  /** A zod schema for structured output; without it the output is the model's text. */
  output?: z.ZodType<Output>;
  /** Settings for every run; a run's own `modelSettings` override them key by key. */
  modelSettings?: ModelSettings;
  /** Consecutive failures a tool (ModelRetry, invalid arguments) may have before the run fails; default 1. */
  retries?: number;
  /** Consecutive invalid outputs allowed before the run fails; default `retries`. */
  outputRetries?: number;
}

export interface AgentRunOptions {
  /** An earlier run's `messages`, to continue that conversation. */
  messageHistory?: readonly ModelMessage[];
  modelSettings?: ModelSettings;
  /** Cancels the run, its model calls and (through their context) its tools. */
  signal?: AbortSignal;
  /** Default `{ requestLimit: 50 }`. */
  usageLimits?: UsageLimits;
  /** A model for this run only. */
  model?: Model | string;
}

/** What `override` returns: call `restore()`, or let `using` dispose of it. */
export interface AgentOverride extends Disposable {
  restore(): void;
}

export class Agent<Output = string> {
  readonly instructions: string | undefined;
  readonly tools: ReadonlyMap<string, AnyTool>;
  readonly modelSettings: ModelSettings | undefined;
  readonly retries: number;
  readonly outputRetries: number;
  readonly #model: Model | string;
  readonly #output: OutputMode<Output>;
  #resolvedModel: Model | undefined;
  #override: Model | undefined;

  constructor(model: Model | string, options: AgentOptions<Output> = {}) {
    this.#model = model;
    this.instructions = options.instructions;
    this.modelSettings = options.modelSettings;
    this.retries = options.retries === undefined ? 1 : wholeNumber(options.retries, 'retries', 'Agent');
    this.outputRetries =
      options.outputRetries === undefined
        ? this.retries
        : wholeNumber(options.outputRetries, 'outputRetries', 'Agent');
    this.#output = options.output
      ? schemaOutput(options.output)
      : (textOutput() as unknown as OutputMode<Output>);
    const tools = new Map<string, AnyTool>();
    for (const [position, tool] of (options.tools ?? []).entries()) {
      checkTool(tool, position);
      if (tools.has(tool.name))
        throw new UserError(`Two tools are named '${tool.name}'; tool names must be unique.`);
      if (options.output && tool.name === OUTPUT_TOOL_NAME) {
        throw new UserError(`'${OUTPUT_TOOL_NAME}' is the output tool's name; give the tool another name.`);
      }
      tools.set(tool.name, tool);
    }
    this.tools = tools;
  }

  /** The model runs use now: an override's, else the Agent's (a `'provider:model'` string is resolved on first use). */
  get model(): Model {
    if (this.#override) return this.#override;
    this.#resolvedModel ??= typeof this.#model === 'string' ? inferModel(this.#model) : this.#model;
    return this.#resolvedModel;
  }

  /**
   * Runs the conversation to its output.
   *
   * @example
   * const first = await agent.run('My name is Ada.');
   * const second = await agent.run('What is my name?', { messageHistory: first.messages });
   */
  async run(
    prompt: string | UserContentItem[],
    options: AgentRunOptions = {},
  ): Promise<AgentRunResult<Output>> {
    const loop = runLoop(this.#setup(prompt, options, false));
    while (true) {
      const next = await loop.next();
      if (next.done) return next.value;
    }
  }

  /**
   * Runs the conversation streaming each model response: iterate for events, then `await result()`.
   *
   * @example
   * const run = agent.runStream('Write a haiku');
   * for await (const event of run) if (event.kind === 'text-delta') process.stdout.write(event.delta);
   * console.log((await run.result()).usage);
   */
  runStream(prompt: string | UserContentItem[], options: AgentRunOptions = {}): AgentRunStream<Output> {
    return new AgentRunStream(runLoop(this.#setup(prompt, options, true)));
  }

  /**
   * Replaces the model for every run until restored — for tests, where the Agent is built elsewhere.
   *
   * @example
   * using _ = agent.override({ model: new TestModel() });
   * // or: const o = agent.override({ model }); try { ... } finally { o.restore(); }
   */
  override(replacement: { model: Model | string }): AgentOverride {
    const previous = this.#override;
    this.#override =
      typeof replacement.model === 'string' ? inferModel(replacement.model) : replacement.model;
    let restored = false;
    const restore = () => {
      if (restored) return;
      restored = true;
      this.#override = previous;
    };
    return { restore, [Symbol.dispose]: restore };
  }

  #setup(prompt: string | UserContentItem[], options: AgentRunOptions, stream: boolean) {
    if (typeof prompt !== 'string' && !Array.isArray(prompt)) {
      throw new UserError(
        `The prompt must be a string or a list of content items ([{ kind: 'text', text: '...' }]); got ${describeValue(prompt)}.`,
      );
    }
    const model =
      options.model === undefined
        ? this.model
        : typeof options.model === 'string'
          ? inferModel(options.model)
          : options.model;
    const settings = mergeSettings(
      this.modelSettings,
      options.modelSettings,
      options.signal ? { signal: options.signal } : undefined,
    );
    return {
      model,
      prompt,
      instructions: this.instructions,
      history: options.messageHistory ?? [],
      tools: this.tools,
      output: this.#output,
      settings,
      usageLimits: checkUsageLimits(options.usageLimits),
      retries: this.retries,
      outputRetries: this.outputRetries,
      stream,
    };
  }
}
