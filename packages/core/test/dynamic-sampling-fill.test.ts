import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { definePlugin, PluginRegistry, runRecipe, SeededRng, trainerPlugins, type Recipe, type TrainStepInput } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { BigramPolicy } from './support/bigram-policy';
import { testPlugins } from './support/test-plugins';

// A scripted reward at filter rate 0.9: each group (the G consecutive rollouts of one instance) is, with
// probability 0.1 (seeded), scored 0, 1, 0, 1, ... (kept), else all 0.5 (std 0: filtered).
const filter90 = definePlugin({
  kind: 'reward',
  name: 'test-filter-90',
  optionsSchema: { type: 'object', properties: { groupSize: { type: 'integer' } } },
  defaults: { groupSize: 2 },
  create: (o: { groupSize: number }) => {
    const rng = new SeededRng(17);
    return {
      specVersion: 1 as const,
      name: 'test-filter-90',
      score: async (inputs) => {
        const out = [];
        for (let g = 0; g < inputs.length; g += o.groupSize) {
          const kept = rng.uniform32() < 0.1;
          for (let i = 0; i < o.groupSize; i++) out.push({ reward: kept ? i % 2 : 0.5, components: {} });
        }
        return out;
      },
    };
  },
});

function run(trainer: Record<string, unknown>): { out: string; recipe: Recipe; registry: PluginRegistry } {
  const r = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins, filter90]) r.register(p, 'test');
  const resolved = (kind: Parameters<PluginRegistry['resolve']>[0], ref: [string, Record<string, unknown>]): [string, Record<string, unknown>] => {
    const { options, errors } = r.resolve(kind, ref, kind);
    expect(errors).toEqual([]);
    return [ref[0], options];
  };
  const task = resolved('task', ['test/add', { count: 12 }]);
  const rewards = [{ reward: resolved('reward', ['test-filter-90', { groupSize: 2 }]), weight: 1, path: 'rewards[0]' }];
  const stage = {
    name: '0-srl',
    trainer: resolved('trainer', ['srl-tiny', { batchSize: 8, groupSize: 2, maxTokens: 2, maxPromptTokens: 512, epochs: 1, ...trainer }]),
    task,
    rewards,
    from: 'final' as const,
    path: 'stages[0]',
  };
  const recipe: Recipe = {
    name: 't',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 3,
    output: 'unused',
    policy: resolved('policy', ['bigram', { seed: 1 }]),
    task,
    rewards,
    stages: [stage],
  };
  return { out: mkdtempSync(path.join(tmpdir(), 'srl-fill-')), recipe, registry: r };
}

const metrics = (out: string): Record<string, number>[] =>
  readFileSync(path.join(out, 'stages', '0-srl', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.type === undefined);

describe('dynamic sampling in the GRPO trainer at filter rate 0.9', () => {
  it('fills every batch to its 8 groups with the defaults, and the metrics say how', async () => {
    const { out, recipe, registry } = run({});
    await runRecipe({ recipe, registry, logger: quietLogger, outDir: out, signal: new AbortController().signal });
    const steps = metrics(out);
    expect(steps).toHaveLength(3); // 24 step-wise instances / batch 8
    for (const m of steps) {
      expect(m).toMatchObject({ kept_groups: 8, batch_fill: 1, batch_capped: 0 });
      expect(m.sampling_rounds).toBeGreaterThanOrEqual(2);
      expect(m.sampling_rounds).toBeLessThanOrEqual(6);
      expect(m.generated_groups).toBeGreaterThan(8 * 4);
      expect(m.filter_rate).toBeGreaterThan(0.75);
      expect(m.filter_rate).toBeLessThan(0.97);
      // filter_rate counts every accepted group, including the surplus beyond the batch.
      expect(m.filter_rate).toBeCloseTo(1 - (m.kept_groups + m.surplus_groups) / m.generated_groups, 12);
    }
  });

  it('the old setting (4 rounds, no keep-rate estimate) trains on partial batches and says so', async () => {
    const { out, recipe, registry } = run({ maxSamplingRounds: 4, maxOversample: 1 });
    await runRecipe({ recipe, registry, logger: quietLogger, outDir: out, signal: new AbortController().signal });
    const steps = metrics(out);
    expect(steps.some((m) => m.batch_capped === 1 && m.batch_fill < 1 && m.sampling_rounds === 4)).toBe(true);
  });

  it('passes the sampling temperature and the KL options to the policy (train step and reference scores)', async () => {
    const train = vi.spyOn(BigramPolicy.prototype, 'trainStep');
    const score = vi.spyOn(BigramPolicy.prototype, 'score');
    try {
      const { out, recipe, registry } = run({ temperature: 0.7, klBeta: 0.05, klRatioCorrection: true });
      await runRecipe({ recipe, registry, logger: quietLogger, outDir: out, signal: new AbortController().signal, maxSteps: 1 });
      const objective = (train.mock.calls[0][0] as TrainStepInput).objective;
      expect(objective).toMatchObject({ kind: 'clipped-policy-gradient', temperature: 0.7, klBeta: 0.05, klRatioCorrection: true });
      expect(score.mock.calls.some((c) => c[1]?.temperature === 0.7)).toBe(true);
    } finally {
      train.mockRestore();
      score.mockRestore();
    }
  });
});
