import { loadBuiltinSweTasks, replayTrajectory, SweEnvironment } from '@srl/tasks';

/**
 * `srl swe replay [--task NAME]...`: replays each built-in task's expert trajectory in the sandbox,
 * then runs its tests; one JSON line per task. Exit 0 only when every task is resolved.
 */
export async function sweReplayCommand(opts: { task?: string[]; unsafe?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const tasks = await loadBuiltinSweTasks(opts.task?.length ? opts.task : undefined);
  let failed = 0;
  for (const task of tasks) {
    const steps = task.trajectory.steps;
    const result = await replayTrajectory({
      task,
      environment: new SweEnvironment({ unsafe: opts.unsafe }),
      actions: steps.map((s) => s.action),
      thoughts: steps.map((s) => s.thought),
      unsafe: opts.unsafe,
    });
    if (!result.resolved) failed += 1;
    const failing = Object.entries(result.tests)
      .filter(([, ok]) => !ok)
      .map(([id]) => id);
    out.write(
      `${JSON.stringify({ task: task.name, instanceId: task.instanceId, resolved: result.resolved, steps: result.steps.length, applied: result.applied, failing })}\n`,
    );
  }
  return failed === 0 ? 0 : 1;
}
