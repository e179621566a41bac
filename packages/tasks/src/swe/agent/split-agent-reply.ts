/**
 * Splits an agent's reply into its prose and its tool call, leniently (the agent loop acts on any
 * reply that holds a call; the SRL rewards check the format strictly with parseSrlOutput): the call
 * is the last `<function=...>...</function>` block; the thought is the text before it, with
 * `<think>` tags removed. The inverse of `expertCompletion` (SRL §5.1: `<think>...</think>` then
 * the action).
 */
export function splitAgentReply(reply: string): { thought: string; action: string | null } {
  const start = reply.lastIndexOf('<function=');
  if (start < 0) return { thought: cleanThought(reply), action: null };
  const end = reply.indexOf('</function>', start);
  const action = end < 0 ? reply.slice(start) : reply.slice(start, end + '</function>'.length);
  return { thought: cleanThought(reply.slice(0, start)), action };
}

function cleanThought(text: string): string {
  return text.replace(/<\/?think>/g, '').trim();
}
