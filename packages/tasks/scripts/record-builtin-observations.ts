// Fills the observations of the built-in tasks' hand-written expert trajectories by running their
// actions in the sandbox (the thoughts and actions are written by hand; the observations are real).
// Run after editing a trajectory: pnpm exec tsx --conditions=source packages/tasks/scripts/record-builtin-observations.ts
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtinSweDir, loadBuiltinSweTasks } from '../src/swe/builtin/builtin-swe-tasks';
import { replayTrajectory } from '../src/swe/agent/replay-trajectory';
import { SweEnvironment } from '../src/swe/env/swe-environment';

for (const task of await loadBuiltinSweTasks()) {
  const { steps: recorded } = task.trajectory;
  const result = await replayTrajectory({
    task,
    environment: new SweEnvironment(),
    actions: recorded.map((s) => s.action),
    thoughts: recorded.map((s) => s.thought),
  });
  const trajectory = { ...task.trajectory, steps: result.steps, resolved: result.resolved };
  await writeFile(join(builtinSweDir(), task.name, 'trajectory.json'), `${JSON.stringify(trajectory, null, 2)}\n`);
  console.log(`${task.name}: ${result.steps.length} steps, resolved ${String(result.resolved)}`, result.resolved ? '' : result.log);
}
