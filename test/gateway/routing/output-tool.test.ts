import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../../src/core/model.ts';
import { freeToolName, jsonObjectTool, withOutputTool } from '../../../src/gateway/routing/output-tool.ts';

const fn = (name: string): ToolDefinition => ({ name, parametersJsonSchema: { type: 'object' } });
const answer: ToolDefinition = { name: 'trip', parametersJsonSchema: { type: 'object' } };

describe('the structured-output tool every endpoint adds', () => {
  it("never takes the name of one of the client's tools", () => {
    expect(freeToolName('json_answer', [fn('search')])).toBe('json_answer');
    expect(freeToolName('json_answer', [fn('json_answer'), fn('json_answer_2')])).toBe('json_answer_3');
    expect(jsonObjectTool([fn('json_answer')]).name).toBe('json_answer_2');
  });

  it('makes the answer a call of the output tool unless client tools are in play and text was allowed', () => {
    expect(withOutputTool([], true, answer)).toEqual({
      params: { functionTools: [], outputTools: [answer], allowTextOutput: false },
      outputToolName: 'trip',
    });
    expect(withOutputTool([fn('search')], true, answer).params.allowTextOutput).toBe(true);
    // A client that required a tool call (tool_choice required / Gemini mode ANY) still gets no text.
    expect(withOutputTool([fn('search')], false, answer).params.allowTextOutput).toBe(false);
  });

  it('leaves the tools as they are when no structured answer is asked for', () => {
    expect(withOutputTool([fn('search')], false, undefined)).toEqual({
      params: { functionTools: [fn('search')], outputTools: [], allowTextOutput: false },
      outputToolName: undefined,
    });
  });
});
