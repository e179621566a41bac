import { parseAction, SrlError, type SweAction } from '@srl/core';
import { loadBuiltinSweTasks, SweEnvironment } from '@srl/tasks';

export interface SweExecOptions {
  task: string;
  /** Actions in command-line order: `{ bash }` or `{ action }` (an XML call). */
  actions: { kind: 'bash' | 'action'; text: string }[];
  unsafe?: boolean;
  timeoutMs?: number;
}

/**
 * `srl swe exec --task NAME (--bash CMD | --action XML)...`: runs the actions in one fresh sandbox
 * of a built-in task and prints, for each, a JSON line with the observation and exit status.
 * Exit 0 when every action ran (a failing command is reported, not an error).
 */
export async function sweExecCommand(opts: SweExecOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (opts.actions.length === 0) throw new SrlError('usage', 'srl swe exec needs at least one --bash CMD or --action XML');
  const actions: SweAction[] = opts.actions.map((a) => (a.kind === 'bash' ? { tool: 'bash', args: { command: a.text } } : parseAction(a.text)));
  const [task] = await loadBuiltinSweTasks([opts.task]);
  const env = new SweEnvironment({ unsafe: opts.unsafe, limits: opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : undefined });
  try {
    await env.reset(task!);
    for (const action of actions) {
      const outcome = await env.step(action);
      out.write(`${JSON.stringify({ tool: action.tool, observation: outcome.observation, done: outcome.done, ...outcome.info })}\n`);
      if (outcome.done) break;
    }
  } finally {
    await env.close();
  }
  return 0;
}
