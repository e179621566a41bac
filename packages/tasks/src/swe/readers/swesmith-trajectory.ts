// SWE-smith SFT conversations (the SRL paper's SWE training data, §5.1), and any chat log in the
// same style (SWE-Gym's OpenHands XML conversations): assistant turns hold prose, then one
// SWE-agent XML call `<function=NAME>...</function>`; the next user (or tool) turn is its
// observation (`OBSERVATION:\n` prefix removed). The final call may go unanswered.
import { parseAction, type SweStep, type SweTrajectory } from '@srl/core';
import { arrayField, contentText, isObject, issueFromPrompt, malformed, repoFromInstanceId, type RecordContext } from './record-fields';

/** Reads one XML-call conversation. Throws SrlError 'data' naming the message of a malformed call. */
export function sweSmithTrajectory(record: Record<string, unknown>, ctx: RecordContext): SweTrajectory {
  const messages = arrayField(record, 'messages', '');
  const steps: SweStep[] = [];
  let issue: string | undefined;
  let open: SweStep | undefined;
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    if (!isObject(message)) malformed(at, 'expected a message object');
    const text = contentText(message.content, `${at}.content`);
    if (message.role === 'assistant') {
      if (open) malformed(at, 'two assistant turns in a row: the call before this one has no observation');
      const start = text.indexOf('<function=');
      if (start < 0) return; // prose only: no action
      let action: SweStep['action'] | undefined;
      try {
        action = parseAction(text.slice(start), { toolNames: ctx.toolNames });
      } catch (error) {
        malformed(`${at}.content`, (error as Error).message);
      }
      open = { thought: text.slice(0, start).trim(), action: action!, observation: '' };
      steps.push(open);
    } else if (message.role === 'user' || message.role === 'tool') {
      if (issue === undefined) issue = issueFromPrompt(text);
      else if (open) {
        open.observation = text.replace(/^OBSERVATION:\n?/, '');
        open = undefined;
      }
    }
  });
  if (issue === undefined) malformed('messages', 'no user message holding the issue');
  if (!steps.length) malformed('messages', 'no <function=...> call: the conversation has no actions');
  const instanceId = typeof record.instance_id === 'string' ? record.instance_id : ctx.fallbackId;
  const repo = repoFromInstanceId(instanceId);
  return { instanceId, ...(repo ? { repo } : {}), issue: issue!, steps, ...(typeof record.resolved === 'boolean' ? { resolved: record.resolved } : {}) };
}
