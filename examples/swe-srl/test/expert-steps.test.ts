// Every shared expert step, written the way the model is asked to write it (<think> thought </think>
// then the call), must score exactly 1 against its own instance's reference, with step-similarity
// (the paper's reward on the rendered call) and with action-similarity.
import { describe, expect, it } from 'vitest';
import { PluginRegistry, type Logger, type RewardModel, type Task } from '@srl/core';
import { plugins as rewardPlugins } from '@srl/rewards';
import { expertCompletion, plugins as taskPlugins, type SweTrajectory } from '@srl/tasks';

const silent: Logger = { log() {}, metrics() {}, progress() {} };
const registry = new PluginRegistry();
for (const plugin of taskPlugins) registry.register(plugin, '@srl/tasks');
for (const plugin of rewardPlugins) registry.register(plugin, '@srl/rewards');
const create = <K extends 'task' | 'reward'>(kind: K, ref: Parameters<PluginRegistry['create']>[1]) =>
  registry.create(kind, ref, { logger: silent, baseDir: process.cwd() });

async function expertRows(name: string): Promise<{ completion: string; reference: string }[]> {
  const task = (await create('task', name)) as Task;
  const rows: { completion: string; reference: string }[] = [];
  for (const example of (await task.load('train')).examples) {
    const t = example.metadata!.trajectory as SweTrajectory;
    task
      .instances(example, 'srl')
      .forEach((inst, k) => rows.push({ completion: expertCompletion(t.steps[k]!.thought, inst.reference), reference: inst.reference }));
  }
  return rows;
}

describe('expert SWE steps score 1', () => {
  it.each([
    ['swe/openhands', 814],
    ['swe/sweagent', 11],
    ['swe/swesmith', 103],
    ['swe/builtin', 35],
  ])('%s: every one of its %i steps', async (name, count) => {
    const rows = await expertRows(name);
    expect(rows).toHaveLength(count);
    for (const ref of ['step-similarity', 'action-similarity'] as const) {
      const reward = (await create('reward', ref)) as RewardModel;
      const results = await reward.score(rows);
      const off = results.map((r, i) => ({ r: r.reward, i })).filter((x) => x.r !== 1);
      expect(off, `${JSON.stringify(ref)}: ${off.length} steps below 1, first ${JSON.stringify(rows[off[0]?.i ?? 0]!.completion.slice(0, 200))}`).toEqual([]);
    }
  });
});
