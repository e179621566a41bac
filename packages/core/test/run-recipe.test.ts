import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, PluginRegistry, runRecipe, trainerPlugins, type FrozenPolicy, type Logger, type Recipe } from '../src/index';
import { BigramPolicy } from './support/bigram-policy';
import { quietLogger } from '../src/testing/index';
import { testPlugins } from './support/test-plugins';

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins]) r.register(p, 'test');
  return r;
}

function recipe(r: PluginRegistry): Recipe {
  const resolve = (kind: Parameters<PluginRegistry['resolve']>[0], ref: [string, Record<string, unknown>]) => {
    const { options, errors } = r.resolve(kind, ref, kind);
    expect(errors).toEqual([]);
    return [ref[0], options] as [string, Record<string, unknown>];
  };
  const task = resolve('task', ['test/add', { count: 12 }]);
  const common = { maxPromptTokens: 512, validationSplit: 'validation', validationLimit: 4, validationMaxTokens: 8 };
  return {
    name: 't',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 3,
    output: 'unused',
    policy: resolve('policy', ['bigram', { seed: 1 }]),
    task,
    rewards: [],
    stages: [
      {
        name: '0-sft',
        trainer: resolve('trainer', ['sft-tiny', { ...common, instances: 'srl', batchSize: 4, lr: 0.05, checkpointEvery: 2 }]),
        task,
        rewards: [],
        from: 'final',
        path: 'stages[0]',
      },
      {
        name: '1-srl',
        trainer: resolve('trainer', [
          'srl-tiny',
          { ...common, batchSize: 2, groupSize: 4, maxTokens: 6, lr: 0.05, checkpointEvery: 1, validateEvery: 2, epochs: 1, reward: 'test-prefix' },
        ]),
        task,
        rewards: [],
        from: 'best',
        path: 'stages[1]',
      },
      {
        name: '2-rlvr',
        trainer: resolve('trainer', [
          'rlvr-tiny',
          { ...common, batchSize: 2, groupSize: 4, maxTokens: 4, checkpointEvery: 1, epochs: 0.4, reward: 'test-exact', maxSamplingRounds: 2 },
        ]),
        task,
        rewards: [],
        from: 'final',
        path: 'stages[2]',
      },
    ],
  };
}

const read = (dir: string, stage: string): Record<string, unknown>[] =>
  readFileSync(path.join(dir, 'stages', stage, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Metric lines without wall-clock figures, which differ between runs. */
const deterministic = (lines: Record<string, unknown>[]) =>
  lines.map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith('time/') && !k.startsWith('memory/') && k !== 'tokens/s')));

describe('runRecipe: SFT -> SRL -> RLVR on a real (bigram) trainable policy', () => {
  it('runs every stage, writes metrics, checkpoints and results', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-run-'));
    const r = registry();
    const result = await runRecipe({ recipe: recipe(r), registry: r, logger: quietLogger, outDir: out, signal: new AbortController().signal });
    expect(result.interrupted).toBe(false);
    expect(result.stages.map((s) => s.name)).toEqual(['0-sft', '1-srl', '2-rlvr']);
    const sft = read(out, '0-sft');
    expect(sft.length).toBe(6); // 24 step-wise instances / batch 4
    expect(sft[5].loss as number).toBeLessThan(sft[0].loss as number);
    const srl = read(out, '1-srl').filter((l) => l.type !== 'validation');
    expect(srl[0]).toMatchObject({ stage: 1, trainer: 'srl-tiny', step: 1 });
    for (const key of [
      'reward/mean',
      'reward/std',
      'filter_rate',
      'kept_groups',
      'loss',
      'clip_fraction',
      'completion_length/mean',
      'time/generation',
      'time/scoring',
      'time/update',
      'tokens/s',
    ]) {
      expect(srl[0], key).toHaveProperty(key);
    }
    expect(read(out, '1-srl').some((l) => l.type === 'validation' && typeof l['val/accuracy'] === 'number')).toBe(true);
    expect(readdirSync(path.join(out, 'stages', '2-rlvr', 'checkpoints'))).toEqual(expect.arrayContaining(['final.json', 'latest.json']));
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('complete');
  });

  it('refuses to overwrite an existing run without --resume', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-run-'));
    const r = registry();
    const rec = recipe(r);
    rec.stages = rec.stages.slice(0, 1);
    await runRecipe({ recipe: rec, registry: r, logger: quietLogger, outDir: out, signal: new AbortController().signal, maxSteps: 1 });
    await expect(runRecipe({ recipe: rec, registry: r, logger: quietLogger, outDir: out, signal: new AbortController().signal })).rejects.toThrow(
      /pass --resume/,
    );
  });

  it('an interrupted run resumed from its checkpoint ends with the same metrics as an uninterrupted one', async () => {
    const r = registry();
    const full = mkdtempSync(path.join(tmpdir(), 'srl-full-'));
    await runRecipe({ recipe: recipe(r), registry: r, logger: quietLogger, outDir: full, signal: new AbortController().signal });

    const cut = mkdtempSync(path.join(tmpdir(), 'srl-cut-'));
    const controller = new AbortController();
    // Stop in the middle of the SRL stage, as SIGINT would.
    const stopper: Logger = { ...quietLogger, metrics: (m) => (m.stage === 1 && m.step === 2 && m.type === undefined ? controller.abort() : undefined) };
    const first = await runRecipe({ recipe: recipe(r), registry: r, logger: stopper, outDir: cut, signal: controller.signal });
    expect(first.interrupted).toBe(true);
    const resumed = await runRecipe({ recipe: recipe(r), registry: r, logger: quietLogger, outDir: cut, signal: new AbortController().signal, resume: true });
    expect(resumed.interrupted).toBe(false);
    for (const stage of ['0-sft', '1-srl', '2-rlvr']) expect(deterministic(read(cut, stage)), stage).toEqual(deterministic(read(full, stage)));
  });
});

describe('KL to a frozen reference (klBeta > 0)', () => {
  it('scores rollouts under the stage-start weights: k3 KL is 0 before the first update and positive after it', async () => {
    const r = registry();
    const rec = recipe(r);
    const task = rec.task!;
    const { options } = r.resolve(
      'trainer',
      ['srl-tiny', { batchSize: 2, groupSize: 4, maxTokens: 6, lr: 0.05, maxPromptTokens: 512, klBeta: 0.1, reward: 'test-prefix', checkpointEvery: 2 }],
      'trainer',
    );
    rec.stages = [{ name: '0-srl', trainer: ['srl-tiny', options], task, rewards: [], from: 'final', path: 'stages[0]' }];
    const out = mkdtempSync(path.join(tmpdir(), 'srl-kl-'));
    await runRecipe({ recipe: rec, registry: r, logger: quietLogger, outDir: out, signal: new AbortController().signal, maxSteps: 4 });
    const kl = read(out, '0-srl').map((l) => l.kl as number);
    expect(kl[0]).toBe(0);
    expect(kl[1]).toBeGreaterThan(0);
    expect(readdirSync(path.join(out, 'stages', '0-srl'))).toContain('reference');
  });

  it('a policy with loadFrozen gets the same KL from its frozen copy, made once, without a second trainable policy', async () => {
    const frozenLoads: string[] = [];
    let created = 0;
    class FreezablePolicy extends BigramPolicy {
      constructor(seed: number) {
        super(seed);
        created++;
      }
      async loadFrozen(dir: string): Promise<FrozenPolicy> {
        frozenLoads.push(path.basename(dir));
        const copy = new BigramPolicy(0);
        await copy.load(dir);
        return { score: (sequences, options) => copy.score(sequences, options), dispose: () => copy.dispose() };
      }
    }
    const r = registry();
    r.register(
      definePlugin({
        kind: 'policy',
        name: 'freezable',
        optionsSchema: { type: 'object', properties: { seed: { type: 'integer' } } },
        defaults: { seed: 0 },
        create: (o: { seed: number }) => new FreezablePolicy(o.seed),
      }),
      'test',
    );
    const rec = recipe(r);
    const { options } = r.resolve(
      'trainer',
      ['srl-tiny', { batchSize: 2, groupSize: 4, maxTokens: 6, lr: 0.05, maxPromptTokens: 512, klBeta: 0.1, reward: 'test-prefix', checkpointEvery: 2 }],
      'trainer',
    );
    rec.stages = [{ name: '0-srl', trainer: ['srl-tiny', options], task: rec.task!, rewards: [], from: 'final', path: 'stages[0]' }];
    const [a, b] = [mkdtempSync(path.join(tmpdir(), 'srl-kl-')), mkdtempSync(path.join(tmpdir(), 'srl-kl-frozen-'))];
    await runRecipe({ recipe: rec, registry: r, logger: quietLogger, outDir: a, signal: new AbortController().signal, maxSteps: 3 });
    await runRecipe({
      recipe: { ...rec, policy: ['freezable', { seed: 1 }] },
      registry: r,
      logger: quietLogger,
      outDir: b,
      signal: new AbortController().signal,
      maxSteps: 3,
    });
    expect(frozenLoads).toEqual(['reference']);
    expect(created).toBe(1); // the run's policy only: no second trainable instance for the reference
    expect(deterministic(read(b, '0-srl'))).toEqual(deterministic(read(a, '0-srl')));
    expect(read(b, '0-srl')[1].kl).toBeGreaterThan(0);
  });
});
