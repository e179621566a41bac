// srl's own trajectory form, `{ instanceId, repo?, issue, steps: [{ thought, action: { tool, args },
// observation }], resolved? }`, one per JSONL line: what the agent loop writes (writeTrajectories)
// and what the built-in tasks ship. Reading it back makes an agent run training data.
import { canonicalToolName, type SweStep, type SweTrajectory } from '@srl/core';
import { arrayField, isObject, malformed, type RecordContext } from './record-fields';

/** Reads one canonical record, checking every field. Throws SrlError 'data' naming the JSON path of a malformed part. */
export function canonicalTrajectory(record: Record<string, unknown>, ctx: RecordContext): SweTrajectory {
  if (typeof record.issue !== 'string') malformed('issue', `expected the issue text, found ${record.issue === undefined ? 'nothing' : typeof record.issue}`);
  for (const key of ['instanceId', 'repo'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') malformed(key, `expected a string, found ${typeof record[key]}`);
  }
  if (record.resolved !== undefined && typeof record.resolved !== 'boolean')
    malformed('resolved', `expected true or false, found ${JSON.stringify(record.resolved)}`);
  const steps: SweStep[] = arrayField(record, 'steps', '').map((step, i) => {
    const at = `steps[${i}]`;
    if (!isObject(step)) malformed(at, 'expected {thought, action, observation}');
    for (const key of ['thought', 'observation'] as const) {
      if (typeof step[key] !== 'string') malformed(`${at}.${key}`, `expected a string, found ${step[key] === undefined ? 'nothing' : typeof step[key]}`);
    }
    const action = step.action;
    if (!isObject(action) || typeof action.tool !== 'string' || action.tool === '') malformed(`${at}.action`, 'expected { tool: NAME, args: {...} }');
    if (!isObject(action.args)) malformed(`${at}.action.args`, `expected an object of arguments, found ${JSON.stringify(action.args)?.slice(0, 40)}`);
    return {
      thought: step.thought as string,
      action: { tool: canonicalToolName(action.tool as string, ctx.toolNames), args: action.args as Record<string, unknown> },
      observation: step.observation as string,
    };
  });
  if (!steps.length) malformed('steps', 'empty: the trajectory has no actions');
  const instanceId = typeof record.instanceId === 'string' ? record.instanceId : ctx.fallbackId;
  return {
    instanceId,
    ...(typeof record.repo === 'string' ? { repo: record.repo } : {}),
    issue: record.issue as string,
    steps,
    ...(typeof record.resolved === 'boolean' ? { resolved: record.resolved } : {}),
  };
}
