// A stage disposes what it created (its rewards and its task) in `finally`: when it ends, when its trainer throws,
// and when creating one of its rewards fails after another was created.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, PluginRegistry, runRecipe, TRAINER_SPEC_VERSION, trainerPlugins, type Recipe, type RewardEntry } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { listTask, testPlugins } from './support/test-plugins';

const disposed: string[] = [];
const plugins = [
  definePlugin({
    kind: 'task',
    name: 'disposable/add',
    optionsSchema: { type: 'object' },
    defaults: {},
    create: () => ({ ...listTask(6), dispose: () => void disposed.push('task') }),
  }),
  definePlugin({
    kind: 'reward',
    name: 'disposable',
    optionsSchema: { type: 'object', properties: { id: { type: 'string' } } },
    defaults: { id: 'r' },
    create: (o: { id: string }) => ({
      specVersion: 1 as const,
      name: 'disposable',
      score: async (inputs) => inputs.map(() => ({ reward: 0.5, components: {} })),
      dispose: () => void disposed.push(`reward ${o.id}`),
    }),
  }),
  definePlugin({
    kind: 'reward',
    name: 'unbuildable',
    optionsSchema: { type: 'object' },
    defaults: {},
    create: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // fails after the other reward was created
      throw new Error('cannot load the reward model');
    },
  }),
  definePlugin({
    kind: 'trainer',
    name: 'throws',
    optionsSchema: { type: 'object' },
    defaults: {},
    create: () => ({ specVersion: TRAINER_SPEC_VERSION, name: 'throws', run: async () => Promise.reject(new Error('the trainer failed mid-stage')) }),
  }),
];

function recipe(registry: PluginRegistry, trainer: [string, Record<string, unknown>], rewards: RewardEntry[], stages = 1): Recipe {
  const task: [string, Record<string, unknown>] = ['disposable/add', {}];
  const options = registry.resolve('trainer', trainer, 'trainer').options;
  return {
    name: 'dispose',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 0,
    output: 'unused',
    policy: ['bigram', { seed: 1 }],
    task,
    rewards: [],
    stages: Array.from({ length: stages }, (_, i) => ({
      name: `${i}-s`,
      trainer: [trainer[0], options] as [string, Record<string, unknown>],
      task,
      rewards,
      from: 'final' as const,
      path: `stages[${i}]`,
    })),
  };
}

async function run(r: Recipe, registry: PluginRegistry): Promise<{ error: unknown; status: string; recorded?: string }> {
  disposed.length = 0;
  const out = mkdtempSync(path.join(tmpdir(), 'srl-dispose-'));
  const error = await runRecipe({ recipe: r, registry, logger: quietLogger, outDir: out, signal: new AbortController().signal, maxSteps: 1 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const record = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
  return { error, status: record.status, recorded: record.error };
}

describe('a stage disposes its rewards and task', () => {
  const registry = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins, ...plugins]) registry.register(p, 'test');
  const grpo: [string, Record<string, unknown>] = ['srl-tiny', { batchSize: 2, groupSize: 2, maxTokens: 3, maxPromptTokens: 512, validateEvery: 0 }];
  const two: RewardEntry[] = [
    { reward: ['disposable', { id: 'a' }], weight: 0.5, path: 'rewards[0]' },
    { reward: ['disposable', { id: 'b' }], weight: 0.5, path: 'rewards[1]' },
  ];

  it('once per stage when the stages end (rewards first, then the task)', async () => {
    const { error, status } = await run(recipe(registry, grpo, two, 2), registry);
    expect(error).toBeUndefined();
    expect(status).toBe('stopped');
    expect(disposed).toEqual(['reward a', 'reward b', 'task', 'reward a', 'reward b', 'task']);
  });

  it('when the trainer throws', async () => {
    const { error, status, recorded } = await run(recipe(registry, ['throws', {}], two), registry);
    expect((error as Error).message).toBe('the trainer failed mid-stage');
    expect(recorded).toBe('stage 0 (0-s): the trainer failed mid-stage');
    expect(status).toBe('failed');
    expect(disposed).toEqual(['reward a', 'reward b', 'task']);
  });

  it('when a reward cannot be created: the rewards already created and the task', async () => {
    const rewards: RewardEntry[] = [two[0], { reward: 'unbuildable', weight: 0.5, path: 'rewards[1]' }];
    const { error, status } = await run(recipe(registry, grpo, rewards), registry);
    expect((error as Error).message).toMatch(/rewards\[1\]: reward plugin "unbuildable" \(test\) failed: cannot load the reward model/);
    expect(status).toBe('failed');
    expect(disposed).toEqual(['reward a', 'task']);
  });
});
