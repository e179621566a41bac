// Done-when of issue 11: a test swaps the logger and the clock by rebinding them in the application container,
// and what they drive (messages, metrics, run.json timestamps, the per-step durations) follows the swap.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointStore,
  Clock,
  createAppContainer,
  DirectoryCheckpointStore,
  Logger,
  PluginRegistry,
  runRecipe,
  trainerPlugins,
  type Recipe,
} from '../src/index';
import { quietLogger } from '../src/testing/index';
import { testPlugins } from './support/test-plugins';

function setup(): { registry: PluginRegistry; recipe: Recipe } {
  const registry = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins]) registry.register(p, 'test');
  const resolve = (kind: 'task' | 'trainer' | 'policy', ref: [string, Record<string, unknown>]): [string, Record<string, unknown>] => [
    ref[0],
    registry.resolve(kind, ref, kind).options,
  ];
  const task = resolve('task', ['test/add', { count: 8 }]);
  const common = { maxPromptTokens: 512, validateEvery: 0, checkpointEvery: 0 };
  const recipe: Recipe = {
    name: 'rebind',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 2,
    output: 'unused',
    policy: resolve('policy', ['bigram', { seed: 1 }]),
    task,
    rewards: [],
    stages: [
      {
        name: '0-sft',
        trainer: resolve('trainer', ['sft-tiny', { ...common, instances: 'srl', batchSize: 4 }]),
        task,
        rewards: [],
        from: 'final',
        path: 'stages[0]',
      },
      {
        name: '1-srl',
        trainer: resolve('trainer', ['srl-tiny', { ...common, batchSize: 2, groupSize: 3, maxTokens: 4, reward: 'test-prefix', dynamicSampling: false }]),
        task,
        rewards: [],
        from: 'final',
        path: 'stages[1]',
      },
    ],
  };
  return { registry, recipe };
}

const lines = (dir: string, stage: string): Record<string, number>[] =>
  readFileSync(path.join(dir, 'stages', stage, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('services are swapped by rebinding them in the application container', () => {
  it('a rebound logger gets the messages and metrics; a rebound clock drives run.json timestamps and step durations', async () => {
    const { registry, recipe } = setup();
    const app = createAppContainer({ registry, logger: quietLogger });
    const messages: string[] = [];
    const metrics: Record<string, unknown>[] = [];
    app.rebind(Logger).toConstantValue({ log: (_level, m) => void messages.push(m), metrics: (r) => void metrics.push(r), progress: () => {} });
    // A clock whose wall time stands still and whose monotonic time advances 250 ms per reading.
    let ticks = 0;
    const wall = Date.UTC(2031, 0, 2, 3, 4, 5);
    app.rebind(Clock).toConstantValue({ now: () => wall, monotonic: () => (ticks += 250) });
    const out = mkdtempSync(path.join(tmpdir(), 'srl-rebind-'));
    await runRecipe({ container: app, recipe, outDir: out, maxSteps: 2 });

    expect(messages.some((m) => m.startsWith('stage 0 (0-sft): sft-tiny on test/add'))).toBe(true);
    expect(metrics.map((m) => [m.stage, m.step])).toEqual([
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
    ]);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).updated).toBe('2031-01-02T03:04:05.000Z');
    // One reading before and one after each timed phase: every phase took exactly 0.25 s by this clock.
    for (const l of lines(out, '0-sft')) {
      expect(l['time/update']).toBe(0.25);
      expect(l['tokens/s']).toBe(l.tokens / 0.25);
    }
    for (const l of lines(out, '1-srl')) {
      expect([l['time/generation'], l['time/scoring'], l['time/update']]).toEqual([0.25, 0.25, 0.25]);
      expect(l['tokens/s']).toBe((l['completion_length/mean'] * 2 * 3) / 0.25);
    }
  });

  it("a stage's own services (here its CheckpointStore) are rebound in configureStage, before the trainer resolves them", async () => {
    const { registry, recipe } = setup();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'srl-rebind-ckpt-'));
    const out = mkdtempSync(path.join(tmpdir(), 'srl-rebind-'));
    await runRecipe({
      container: createAppContainer({ registry, logger: quietLogger }),
      recipe: { ...recipe, stages: recipe.stages.slice(0, 1) },
      outDir: out,
      maxSteps: 1,
      configureStage: (stage, { name }) => stage.rebind(CheckpointStore).toConstantValue(new DirectoryCheckpointStore(path.join(elsewhere, name))),
    });
    expect(JSON.parse(readFileSync(path.join(elsewhere, '0-sft', 'latest.json'), 'utf8'))).toMatchObject({ stage: 0, step: 1, tag: 'latest' });
    expect(existsSync(path.join(out, 'stages', '0-sft', 'checkpoints', 'latest.json'))).toBe(false);
  });
});
