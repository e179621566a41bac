import type { Environment } from '@srl/core';
import type { TestedSweTask } from '../builtin/builtin-swe-tasks';
import type { SweTask } from '../env/swe-environment';
import { runTaskTests, type TaskTestResult } from '../reward/run-task-tests';
import type { SandboxLimits } from '../sandbox/sandbox-limits';
import type { SweAction, SweStep } from '../trajectory';

export interface ReplayResult extends TaskTestResult {
  /** The steps as they ran now: the recorded thought and action, today's observation. */
  steps: SweStep[];
  /** The submitted patch ('' when the trajectory never submits). */
  patch: string;
}

/**
 * Runs a trajectory's actions in `environment` (reset on `task`, closed at the end: e.g. the
 * `swe/sandbox` plugin's fresh sandbox), then scores the submitted patch with the task's tests (the
 * `tests-pass` check, under `limits` and `unsafe`). A trajectory without `submit` is scored on the
 * work tree's diff after its last action.
 */
export async function replayTrajectory(input: {
  task: TestedSweTask;
  environment: Environment<SweTask, SweAction>;
  actions: SweAction[];
  thoughts?: string[];
  limits?: Partial<SandboxLimits>;
  unsafe?: boolean;
}): Promise<ReplayResult> {
  const env = input.environment;
  const steps: SweStep[] = [];
  let patch: string | null = null;
  try {
    await env.reset(input.task);
    for (const [i, action] of input.actions.entries()) {
      const outcome = await env.step(action);
      steps.push({ thought: input.thoughts?.[i] ?? '', action, observation: outcome.observation });
      if (outcome.done) {
        patch = String(outcome.info?.patch ?? '');
        break;
      }
    }
    if (patch === null) patch = String((await env.step({ tool: 'submit', args: {} })).info?.patch ?? '');
  } finally {
    await env.close();
  }
  const tests = await runTaskTests({ task: input.task, patch, limits: input.limits, unsafe: input.unsafe });
  return { ...tests, steps, patch };
}
