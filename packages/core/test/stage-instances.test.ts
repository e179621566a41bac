// loadStageInstances lists what a stage trains on: checked against what the trainer actually hands
// the policy during a run (SFT items; GRPO prompts and the references its rewards get).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  definePlugin,
  loadStageInstances,
  PluginRegistry,
  runRecipe,
  trainerPlugins,
  isTokenizedPrompt,
  type PolicyPrompt,
  type Recipe,
  type RewardInput,
  type SamplingParams,
  type TrainStepInput,
} from '../src/index';
import { quietLogger } from '../src/testing/quiet-logger';
import { BigramPolicy } from './support/bigram-policy';
import { testPlugins } from './support/test-plugins';

const seen = { items: [] as string[], prompts: [] as string[], promptIds: [] as string[], rewardRows: [] as RewardInput[] };

/** The bigram policy, recording what the trainers give it. */
class RecordingPolicy extends BigramPolicy {
  override async trainStep(input: TrainStepInput) {
    if (input.objective.kind === 'cross-entropy') for (const it of input.items) seen.items.push(JSON.stringify([it.promptTokenIds, it.completionTokenIds]));
    return super.trainStep(input);
  }
  override async generate(prompts: PolicyPrompt[], params: SamplingParams) {
    // Trainers pass prompts tokenized once, when the instances were loaded: text and ids as listed.
    for (const p of prompts) {
      if (!isTokenizedPrompt(p)) throw new Error(`expected a tokenized prompt, got ${JSON.stringify(p)}`);
      seen.prompts.push(p.text);
      seen.promptIds.push(JSON.stringify(p.tokenIds));
    }
    return super.generate(prompts, params);
  }
}

const recording = [
  definePlugin({
    kind: 'policy',
    name: 'recording-bigram',
    optionsSchema: { type: 'object', properties: {} },
    defaults: {},
    create: () => new RecordingPolicy(1),
  }),
  definePlugin({
    kind: 'reward',
    name: 'recording-prefix',
    optionsSchema: { type: 'object', properties: {} },
    defaults: {},
    create: () => ({
      specVersion: 1 as const,
      name: 'recording-prefix',
      score: async (rows: RewardInput[]) => (seen.rewardRows.push(...rows), rows.map((_r, i) => ({ reward: (i % 3) / 2, components: {} }))),
    }),
  }),
];

function setup(): { registry: PluginRegistry; recipe: Recipe } {
  const registry = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins, ...recording]) registry.register(p, 'test');
  const resolve = (kind: Parameters<PluginRegistry['resolve']>[0], ref: [string, Record<string, unknown>]): [string, Record<string, unknown>] => {
    const { options, errors } = registry.resolve(kind, ref, kind);
    expect(errors).toEqual([]);
    return [ref[0], options];
  };
  const task = resolve('task', ['test/add', { count: 12 }]);
  // A prompt limit that drops the long step-2 prompts of the two-digit problems: the listing must drop them too.
  const common = { maxPromptTokens: 40, validateEvery: 0 };
  const recipe: Recipe = {
    name: 't',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 5,
    output: 'unused',
    policy: resolve('policy', ['recording-bigram', {}]),
    task,
    rewards: [],
    stages: [
      {
        name: '0-sft',
        trainer: resolve('trainer', ['sft-tiny', { ...common, instances: 'srl', completionTemplate: 'Step: {reference}', batchSize: 2, epochs: 1 }]),
        task,
        rewards: [],
        from: 'final',
        path: 'stages[0]',
      },
      {
        name: '1-srl',
        trainer: resolve('trainer', ['srl-tiny', { ...common, batchSize: 2, groupSize: 3, maxTokens: 4, epochs: 2, dynamicSampling: false }]),
        task,
        rewards: [{ reward: 'recording-prefix', weight: 1, path: 'rewards[0]' }],
        from: 'final',
        path: 'stages[1]',
      },
    ],
  };
  return { registry, recipe };
}

describe('loadStageInstances', () => {
  it('lists exactly the instances each stage trains on: SFT items, GRPO prompts and reward references', async () => {
    const { registry, recipe } = setup();
    const sft = await loadStageInstances({ recipe, registry, logger: quietLogger, stage: 0 });
    const srl = await loadStageInstances({ recipe, registry, logger: quietLogger, stage: 1 });
    expect(sft.instances.length).toBeGreaterThan(12);
    expect(sft.instances.length).toBeLessThan(24); // some prompts dropped by maxPromptTokens
    expect(sft.instances[0].target).toBe(`Step: ${sft.instances[0].instance.reference}`);
    expect(srl.instances.map((t) => t.target)).toEqual(srl.instances.map((t) => t.instance.reference));

    await runRecipe({
      recipe,
      registry,
      logger: quietLogger,
      outDir: mkdtempSync(path.join(tmpdir(), 'srl-stage-inst-')),
      signal: new AbortController().signal,
    });
    const policy = new BigramPolicy(1);
    const expectedItems = sft.instances.map((t) => JSON.stringify([t.promptTokenIds, [...policy.tokenize(t.target), policy.eosTokenId]]));
    expect(new Set(seen.items)).toEqual(new Set(expectedItems)); // one epoch (rounded up to whole batches): every instance, nothing else

    const listedPrompts = new Set(srl.instances.map((t) => t.promptText));
    expect(new Set(seen.prompts)).toEqual(listedPrompts);
    expect(new Set(seen.promptIds)).toEqual(new Set(srl.instances.map((t) => JSON.stringify(t.promptTokenIds)))); // two epochs: every prompt generated for, nothing else
    const referenceOf = new Map(srl.instances.map((t) => [t.instance.id, t.target]));
    for (const row of seen.rewardRows) expect(row.reference).toBe(referenceOf.get(String(row.metadata?.instanceId)));
  });

  it('overrides kind and split, and names the stages when asked for one that does not exist', async () => {
    const { registry, recipe } = setup();
    const rlvr = await loadStageInstances({ recipe, registry, logger: quietLogger, stage: 1, kind: 'rlvr', split: 'validation' });
    expect(rlvr.split).toBe('validation');
    expect(rlvr.instances.map((t) => t.instance.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    await expect(loadStageInstances({ recipe, registry, logger: quietLogger, stage: 2 })).rejects.toThrow(
      /has no stage 2; its stages are 0 \(0-sft\), 1 \(1-srl\)/,
    );
  });
});
