// OpenHands CodeAct function-calling conversations (e.g. `last_completion/<instance>.json` of its
// SWE-bench runs, or any OpenAI-style `messages` log): assistant turns carry `tool_calls`, each
// answered by a `role: "tool"` message with the same `tool_call_id`; the final `response` message's
// tool call (usually `finish`) is the last action. Assistant turns without a call (answered by the
// harness's "Please continue") are not actions and are dropped. Unknown tools are kept.
// Conversations from OpenHands' non-function-calling mode (SWE-Gym's SFT data) carry the call as
// XML in the assistant's text instead; the next user turn is then its observation.
import { canonicalToolName, parseAction, type SweStep, type SweTrajectory } from '@srl/core';
import { arrayField, contentText, isObject, issueFromPrompt, malformed, repoFromInstanceId, type RecordContext } from './record-fields';

interface PendingCall {
  id: string | undefined;
  at: string;
  step: SweStep;
}

/** Reads one OpenHands conversation record. Throws SrlError 'data' naming the JSON path of a malformed part. */
export function openHandsTrajectory(record: Record<string, unknown>, ctx: RecordContext): SweTrajectory {
  const messages = arrayField(record, 'messages', '');
  const steps: SweStep[] = [];
  const pending = new Map<string, PendingCall>();
  let issue: string | undefined;
  let xmlOpen: SweStep | undefined;
  const readCalls = (message: Record<string, unknown>, at: string, answered: boolean): void => {
    const calls = message.tool_calls;
    if (calls === undefined || calls === null || (Array.isArray(calls) && calls.length === 0)) {
      const text = contentText(message.content, `${at}.content`);
      const start = text.indexOf('<function=');
      if (start < 0) return;
      let action: SweStep['action'] | undefined;
      try {
        action = parseAction(text.slice(start), { toolNames: ctx.toolNames });
      } catch (error) {
        malformed(`${at}.content`, (error as Error).message);
      }
      const step: SweStep = { thought: text.slice(0, start).trim(), action: action!, observation: '' };
      steps.push(step);
      if (answered) xmlOpen = step;
      return;
    }
    if (!Array.isArray(calls)) malformed(`${at}.tool_calls`, `expected an array, found ${typeof calls}`);
    let thought = contentText(message.content, `${at}.content`).trim();
    (calls as unknown[]).forEach((call, j) => {
      const callAt = `${at}.tool_calls[${j}]`;
      const fn = isObject(call) ? call.function : undefined;
      if (!isObject(call) || !isObject(fn) || typeof fn.name !== 'string') malformed(callAt, 'expected {id, function: {name, arguments}}');
      const { name, arguments: rawArgs } = fn as { name: string; arguments: unknown };
      let args: unknown = rawArgs ?? {};
      if (typeof rawArgs === 'string') {
        try {
          args = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
        } catch (cause) {
          malformed(`${callAt}.function.arguments`, `arguments are not JSON (${(cause as Error).message}): ${JSON.stringify(rawArgs.slice(0, 80))}`);
        }
      }
      if (!isObject(args)) malformed(`${callAt}.function.arguments`, `expected a JSON object of arguments, found ${JSON.stringify(args)?.slice(0, 80)}`);
      const step: SweStep = { thought, action: { tool: canonicalToolName(name, ctx.toolNames), args: args as Record<string, unknown> }, observation: '' };
      thought = ''; // the prose belongs to the first call of a turn
      steps.push(step);
      const id = typeof (call as Record<string, unknown>).id === 'string' ? ((call as Record<string, unknown>).id as string) : undefined;
      if (answered) pending.set(id ?? `#${steps.length}`, { id, at: callAt, step });
    });
  };

  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    if (!isObject(message)) malformed(at, 'expected a message object');
    if (message.role === 'user' && issue === undefined) issue = issueFromPrompt(contentText(message.content, `${at}.content`));
    else if (message.role === 'assistant') {
      if (xmlOpen) malformed(at, 'two assistant turns in a row: the call before this one has no observation');
      readCalls(message, at, true);
    } else if (xmlOpen && (message.role === 'user' || message.role === 'tool')) {
      xmlOpen.observation = contentText(message.content, `${at}.content`);
      xmlOpen = undefined;
    } else if (message.role === 'tool') {
      const id = message.tool_call_id;
      // Without ids, a tool message answers the oldest unanswered call.
      const key = typeof id === 'string' ? id : pending.keys().next().value;
      const call = key === undefined ? undefined : pending.get(key);
      if (!call) malformed(at, `tool result for call ${JSON.stringify(id)} that no earlier assistant turn made`);
      call!.step.observation = contentText(message.content, `${at}.content`);
      pending.delete(key as string);
    }
  });
  const unanswered = pending.values().next().value;
  if (unanswered) malformed(unanswered.at, `tool call ${JSON.stringify(unanswered.id)} has no tool result (missing role "tool" message)`);

  const response = record.response;
  if (isObject(response)) {
    const choices = response.choices;
    const message = Array.isArray(choices) && isObject(choices[0]) ? choices[0].message : undefined;
    if (isObject(message)) readCalls(message, 'response.choices[0].message', false);
  }
  if (issue === undefined) malformed('messages', 'no user message holding the issue');
  if (!steps.length) malformed('messages', 'no tool calls: the conversation has no actions');
  const instanceId = typeof record.instance_id === 'string' ? record.instance_id : ctx.fallbackId;
  const repo = repoFromInstanceId(instanceId);
  return { instanceId, ...(repo ? { repo } : {}), issue: issue!, steps };
}
