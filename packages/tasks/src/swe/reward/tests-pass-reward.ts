/**
 * `tests-pass`: the verifiable reward of SWE tasks (SWE-bench's resolved check). The completion is
 * a patch; it is applied to a fresh sandboxed copy of the task's repository, the task's tests are
 * copied over it, and every FAIL_TO_PASS and PASS_TO_PASS test runs: 1 when all pass, else 0.
 * Components: `applied`, and `test:<id>` 1/0 per test. null when the row names no task.
 */
import { Default, definePlugin, REWARD_SPEC_VERSION, Type, type PluginOptions, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import { loadBuiltinSweTasks, type TestedSweTask } from '../builtin/builtin-swe-tasks';
import { sandboxLimitsOption } from '../sandbox/sandbox-limits';
import { runTaskTests } from './run-task-tests';

/** tests-pass's options, declared once. */
export const testsPassOptions = Type.Object(
  {
    /** Run the tests without a sandbox (no isolation; a warning per command). */
    unsafe: Default(Type.Boolean({ description: 'run the tests without bubblewrap (no isolation)' }), false),
    limits: sandboxLimitsOption,
  },
  { additionalProperties: false },
);
export type TestsPassOptions = PluginOptions<typeof testsPassOptions>;

/** Finds a row's task: `metadata.task` (a full TestedSweTask) or `metadata.instanceId` of a built-in task. */
async function taskOf(input: RewardInput): Promise<TestedSweTask | null> {
  const meta = input.metadata ?? {};
  const task = meta.task as TestedSweTask | undefined;
  if (task && typeof task.repoDir === 'string' && Array.isArray(task.FAIL_TO_PASS)) return task;
  const id = meta.instanceId;
  if (typeof id !== 'string') return null;
  return (await loadBuiltinSweTasks()).find((t) => t.instanceId === id || t.name === id) ?? null;
}

export class TestsPassReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'tests-pass';

  constructor(private readonly options: TestsPassOptions) {}

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    const results: RewardResult[] = [];
    for (const input of inputs) {
      const task = await taskOf(input);
      if (!task) {
        results.push({ reward: null, components: { applied: null } });
        continue;
      }
      const run = await runTaskTests({ task, patch: input.completion, limits: this.options.limits, unsafe: this.options.unsafe });
      const components: Record<string, number | null> = { applied: run.applied ? 1 : 0 };
      for (const id of [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]) components[`test:${id}`] = run.applied ? (run.tests[id] ? 1 : 0) : null;
      results.push({ reward: run.resolved ? 1 : 0, components });
    }
    return results;
  }
}

export const testsPassRewardPlugin = definePlugin({
  kind: 'reward',
  name: 'tests-pass',
  description:
    'SWE: applies the completion (a patch) to a fresh sandboxed copy of the task repository and runs FAIL_TO_PASS and PASS_TO_PASS; 1 when all pass, else 0 (per-test components)',
  options: testsPassOptions,
  create: (options) => new TestsPassReward(options),
});
