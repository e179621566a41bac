// SWE-agent `.traj` files: `trajectory[]` of {thought, action, observation}, and `history` (the
// chat). With function calling, each assistant turn of `history` carries the structured call
// (`tool_calls`: `open {path, line_number}`, `edit {search, replace}`, ...), which becomes the
// action; otherwise the action string is a shell line, read as `bash {command}` (`submit` alone as
// `submit {}`). The issue comes from `replay_config.problem_statement`, else the first user turn.
import { canonicalToolName, type SweAction, type SweStep, type SweTrajectory } from '@srl/core';
import { arrayField, contentText, isObject, issueFromPrompt, malformed, repoFromInstanceId, type RecordContext } from './record-fields';

/** Reads one SWE-agent `.traj` record. Throws SrlError 'data' naming the JSON path of a malformed part. */
export function sweAgentTrajectory(record: Record<string, unknown>, ctx: RecordContext): SweTrajectory {
  const entries = arrayField(record, 'trajectory', '');
  const history = Array.isArray(record.history) ? (record.history as unknown[]) : [];
  const calls = structuredCalls(history, ctx);
  const useCalls = calls.length === entries.length;
  const steps: SweStep[] = entries.map((entry, i) => {
    const at = `trajectory[${i}]`;
    if (!isObject(entry)) malformed(at, 'expected {thought, action, observation}');
    for (const key of ['thought', 'action', 'observation'] as const) {
      if (typeof entry[key] !== 'string') malformed(`${at}.${key}`, `expected a string, found ${entry[key] === undefined ? 'nothing' : typeof entry[key]}`);
    }
    const actionText = entry.action as string;
    const action: SweAction = useCalls
      ? (calls[i] as SweAction)
      : actionText.trim() === 'submit'
        ? { tool: canonicalToolName('submit', ctx.toolNames), args: {} }
        : { tool: canonicalToolName('bash', ctx.toolNames), args: { command: actionText } };
    return { thought: (entry.thought as string).trim(), action, observation: entry.observation as string };
  });
  if (!steps.length) malformed('trajectory', 'empty: the trajectory has no actions');

  const replay = typeof record.replay_config === 'string' ? safeJson(record.replay_config) : record.replay_config;
  const statement = isObject(replay) ? replay.problem_statement : undefined;
  let issue = isObject(statement) && typeof statement.text === 'string' ? statement.text.trim() : undefined;
  if (issue === undefined) {
    const firstUser = history.findIndex((m) => isObject(m) && m.role === 'user');
    if (firstUser < 0) malformed('history', 'no problem_statement in replay_config and no user turn holding the issue');
    issue = issueFromPrompt(contentText((history[firstUser] as Record<string, unknown>).content, `history[${firstUser}].content`));
  }
  const statementId = isObject(statement) && typeof statement.id === 'string' ? statement.id : undefined;
  const agentName = isObject(replay) && isObject(replay.agent) && typeof replay.agent.name === 'string' ? replay.agent.name : undefined;
  const instanceId = typeof record.instance_id === 'string' ? record.instance_id : (statementId ?? agentName ?? ctx.fallbackId);
  const repo = repoFromInstanceId(instanceId);
  return { instanceId, ...(repo ? { repo } : {}), issue, steps };
}

/** The structured calls of the assistant turns of `history`, one per turn that has exactly one. */
function structuredCalls(history: unknown[], ctx: RecordContext): SweAction[] {
  const out: SweAction[] = [];
  history.forEach((message, i) => {
    if (!isObject(message) || message.role !== 'assistant' || !Array.isArray(message.tool_calls) || message.tool_calls.length !== 1) return;
    const fn = isObject(message.tool_calls[0]) ? message.tool_calls[0].function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string') return;
    let args: unknown = fn.arguments ?? {};
    if (typeof args === 'string') {
      try {
        args = args.trim() === '' ? {} : JSON.parse(args);
      } catch (cause) {
        malformed(`history[${i}].tool_calls[0].function.arguments`, `arguments are not JSON (${(cause as Error).message})`);
      }
    }
    if (!isObject(args)) malformed(`history[${i}].tool_calls[0].function.arguments`, 'expected a JSON object of arguments');
    out.push({ tool: canonicalToolName(fn.name, ctx.toolNames), args: args as Record<string, unknown> });
  });
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
