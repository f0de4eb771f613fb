/**
 * The tool behind a request, read from its `user-agent`, so spend can be shown per tool: Claude Code
 * sends `claude-cli/2.0.1 (external, cli)`, Codex `codex_cli_rs/0.45.0`, the OpenAI SDK `OpenAI/JS 5.x`.
 * Unknown agents are grouped by their product token (the text before the first `/` or space), capped in
 * length so a client cannot make the spend table as wide as it likes.
 */

const FAMILIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^claude-cli\//i, 'Claude Code'],
  [/^codex/i, 'Codex'],
  [/gemini-cli|GeminiCLI/i, 'Gemini CLI'],
  [/^OpenAI\/(JS|Python)/i, 'OpenAI SDK'],
  [/^Anthropic\/(JS|Python)/i, 'Anthropic SDK'],
  [/^ai-sdk\/|^ai\/\d/i, 'AI SDK'],
  [/langchain/i, 'LangChain'],
  [/^curl\//i, 'curl'],
  [/^python-requests\//i, 'python-requests'],
  [/^Mozilla\//, 'Browser'],
];

// A fleet sends a few user-agents many times: each is matched once, while the cache has room.
const known = new Map<string, string>();
const MAX_KNOWN = 1000;

export function toolFamily(userAgent: string | undefined): string {
  if (userAgent === undefined) return 'unknown';
  let family = known.get(userAgent);
  if (family === undefined) {
    family = familyOf(userAgent);
    if (known.size < MAX_KNOWN) known.set(userAgent, family);
  }
  return family;
}

function familyOf(userAgent: string): string {
  if (userAgent.trim() === '') return 'unknown';
  for (const [pattern, family] of FAMILIES) if (pattern.test(userAgent)) return family;
  const product = userAgent.trim().split(/[/\s]/, 1)[0]!;
  return product.slice(0, 40) || 'unknown';
}
