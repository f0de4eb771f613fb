/**
 * Responses `namespace` tools (a named group of function tools, as Codex offers its sub-agent tools) on
 * upstreams that know only flat function tools: each function goes as `<namespace>__<name>`, and a call
 * of it comes back to the client as a `function_call` with `name` and `namespace` apart again, as OpenAI
 * writes it. A call sent back with its `namespace` is flattened the same way.
 *
 * @example
 * flatToolName('multi_agent_v1', 'spawn_agent') // 'multi_agent_v1__spawn_agent'
 */

/** A flat tool name → the namespace and name the client knows it by. */
export type NamespacedTools = Map<string, { namespace: string; name: string }>;

export function flatToolName(namespace: string, name: string): string {
  return `${namespace}__${name}`;
}
