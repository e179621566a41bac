// Issue 5 "done when": GSM8K train decomposes into step-wise instances. Prints the counts and the
// distribution of steps per problem (the figures of the report).
import { describe, expect, it } from 'vitest';
import { createPlugin, sharedData } from './helpers/task-registry';

describe('GSM8K train → SRL step-wise instances', () => {
  it('decomposes every train solution and builds one instance per step', async () => {
    const task = await createPlugin('task', ['math/gsm8k', { dataDir: sharedData }]);
    const { examples, skipped } = await task.load('train');
    const histogram = new Map<number, number>();
    let instances = 0;
    for (const example of examples) {
      const built = task.instances(example, 'srl');
      instances += built.length;
      histogram.set(built.length, (histogram.get(built.length) ?? 0) + 1);
      expect(built[built.length - 1].step).toEqual({ index: built.length, count: built.length });
      expect(built.map((i) => i.reference)).toEqual(example.steps!.map((s, k) => `${k + 1}. ${s}`));
    }
    const distribution = [...histogram].sort((a, b) => a[0] - b[0]);
    const mean = instances / examples.length;
    console.log(
      `GSM8K train: ${examples.length} problems, ${instances} SRL instances (mean ${mean.toFixed(3)} steps/problem), ${skipped.length} rows skipped\n` +
        `steps per problem: ${distribution.map(([steps, n]) => `${steps}:${n}`).join(' ')}`,
    );
    expect(examples.length + skipped.length).toBe(7473);
    expect(skipped).toEqual([]);
    expect(distribution.reduce((s, [steps, n]) => s + steps * n, 0)).toBe(instances);
    expect(Math.min(...histogram.keys())).toBeGreaterThanOrEqual(1);
    expect(examples.every((e) => e.steps!.every((s) => !s.includes('<<') && s.trim() === s && s !== ''))).toBe(true);
    expect(examples.every((e) => e.answer !== undefined && !e.answer.includes(','))).toBe(true);
  });
});
