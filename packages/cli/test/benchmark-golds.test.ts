import { quietLogger } from '@srl/core/testing';
import { MATH_BENCHMARK_TASKS } from '@srl/tasks';
import { describe, expect, it } from 'vitest';
import { createPluginEnvironment } from '../src/plugin-environment';

// Integration across packages: every benchmark, loaded by its task plugin, has gold answers that
// the task's own metric reward (math-answer) can use: scoring the gold against itself gives 1, never null.
describe('benchmark gold answers under math-answer', () => {
  it.each(MATH_BENCHMARK_TASKS.map((b) => [b.task, b.split]))('%s (%s): every gold parses and verifies', async (name, split) => {
    const { registry } = await createPluginEnvironment({ discover: false });
    const deps = { logger: quietLogger, baseDir: process.cwd() };
    const task = await registry.create('task', name, deps);
    const { examples, skipped } = await task.load(split, { strict: true });
    expect(skipped).toEqual([]);
    const reward = await registry.create('reward', task.evalMetric.reward, deps);
    const inputs = examples.map((e) => {
      const rlvr = task.instances(e, 'rlvr')[0];
      return { completion: `The final answer is $\\boxed{${rlvr.reference}}$.`, reference: rlvr.reference };
    });
    const results = await reward.score(inputs);
    const bad = results.flatMap((r, i) => (r.reward === 1 ? [] : [`${examples[i].id}: gold ${JSON.stringify(inputs[i].reference)} -> ${r.reward}`]));
    expect(bad).toEqual([]);
    expect(examples.length).toBe({ 'math/gsm8k': 1319, 'math/math500': 500, 'math/aime24': 30, 'math/amc23': 40, 'math/minerva': 272 }[name]);
  });
});
