/**
 * Structured output on every upstream, whatever the client's protocol asked with (`response_format`,
 * `text.format`, `output_config.format`, `responseMimeType`): the answer is an output tool the model must
 * call, and its arguments are written back to the client as the answer's text. One place builds it, so
 * the four endpoints name it and allow text alike.
 */
import type { ModelRequestParameters, ToolDefinition } from '../../core/model.ts';

/** What an endpoint's reader makes of the request's tools: the call's parameters and its output tool. */
export interface CallTools {
  params: ModelRequestParameters;
  /** The output tool whose arguments are the answer's text, when a structured answer was asked for. */
  outputToolName: string | undefined;
}

/**
 * `base`, or `base_2`, `base_3`... — the first that none of the client's own tools is named, so a
 * gateway-named output tool can never shadow one of them.
 */
export function freeToolName(base: string, functionTools: readonly ToolDefinition[]): string {
  let name = base;
  for (let n = 2; functionTools.some((tool) => tool.name === name); n++) name = `${base}_${n}`;
  return name;
}

/**
 * The call's tools with `outputTool` added: the model answers by calling it, unless the client's own
 * tools are in play and the client allowed text (then it may also answer in words or call a tool).
 */
export function withOutputTool(
  functionTools: ToolDefinition[],
  allowTextOutput: boolean,
  outputTool: ToolDefinition | undefined,
): CallTools {
  if (outputTool === undefined) {
    return { params: { functionTools, outputTools: [], allowTextOutput }, outputToolName: undefined };
  }
  return {
    params: {
      functionTools,
      outputTools: [outputTool],
      allowTextOutput: allowTextOutput && functionTools.length > 0,
    },
    outputToolName: outputTool.name,
  };
}

/** JSON mode (`json_object`): any object, under a name of the gateway's own. */
export function jsonObjectTool(functionTools: readonly ToolDefinition[]): ToolDefinition {
  return {
    name: freeToolName('json_answer', functionTools),
    description: 'Give your answer as a JSON object.',
    parametersJsonSchema: { type: 'object' },
  };
}
