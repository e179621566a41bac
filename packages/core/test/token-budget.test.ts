import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, runRecipe, trainerPlugins, type Logger, type Recipe } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { testPlugins } from './support/test-plugins';

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [...trainerPlugins, ...testPlugins]) r.register(p, 'test');
  return r;
}

/** One stage (SFT or SRL's GRPO) on a bigram policy, long enough (epochs) that only a budget ends it early. */
function recipe(r: PluginRegistry, trainer: 'sft-tiny' | 'srl-tiny', tokenBudget?: number): Recipe {
  const resolve = (kind: Parameters<PluginRegistry['resolve']>[0], ref: [string, Record<string, unknown>]) => {
    const { options, errors } = r.resolve(kind, ref, kind);
    expect(errors).toEqual([]);
    return [ref[0], options] as [string, Record<string, unknown>];
  };
  const task = resolve('task', ['test/add', { count: 12 }]);
  const budget = tokenBudget !== undefined ? { tokenBudget } : {};
  const options =
    trainer === 'sft-tiny'
      ? { instances: 'srl', batchSize: 4, lr: 0.05, epochs: 3, checkpointEvery: 2, maxPromptTokens: 512, ...budget }
      : { batchSize: 2, groupSize: 4, maxTokens: 6, lr: 0.05, epochs: 2, checkpointEvery: 1, maxPromptTokens: 512, reward: 'test-prefix', ...budget };
  return {
    name: 't',
    file: path.join(tmpdir(), 'recipe.json'),
    plugins: [],
    seed: 3,
    output: 'unused',
    policy: resolve('policy', ['bigram', { seed: 1 }]),
    task,
    rewards: [],
    stages: [{ name: '0-train', trainer: resolve('trainer', [trainer, options]), task, rewards: [], from: 'final', path: 'stages[0]' }],
  };
}

type Line = Record<string, number>;
const steps = (dir: string): Line[] =>
  readFileSync(path.join(dir, 'stages', '0-train', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line & { type?: string })
    .filter((l) => l.type === undefined);
const cost = (l: Line): number => (l['tokens/generated'] ?? 0) + (l['tokens/trained'] ?? 0);
const run = (dir: string): { status: string; stages: { stopReason?: string; tokensSpent?: number; steps: number; totalSteps: number }[] } =>
  JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));

describe.each(['sft-tiny', 'srl-tiny'] as const)('tokenBudget (%s)', (trainer) => {
  it('ends the stage, complete with a final checkpoint, at the step whose tokens reach the budget; --resume continues the count', async () => {
    const r = registry();
    // The unbudgeted run gives every step's cost (the bigram policy and the seeds make runs repeatable).
    const free = mkdtempSync(path.join(tmpdir(), 'srl-budget-free-'));
    await runRecipe({ recipe: recipe(r, trainer), registry: r, logger: quietLogger, outDir: free, signal: new AbortController().signal });
    const all = steps(free);
    expect(all.length).toBeGreaterThanOrEqual(8);
    let cumulative = 0;
    all.forEach((l, i) => {
      cumulative += cost(l);
      expect(l['tokens/stage_total'], `step ${i + 1}`).toBe(cumulative);
    });
    // A budget reached during step 5: steps 1-4 stay under it.
    const before = all.slice(0, 4).reduce((a, l) => a + cost(l), 0);
    const budget = before + 1;
    const through5 = before + cost(all[4]);

    const whole = mkdtempSync(path.join(tmpdir(), 'srl-budget-whole-'));
    const result = await runRecipe({
      recipe: recipe(r, trainer, budget),
      registry: r,
      logger: quietLogger,
      outDir: whole,
      signal: new AbortController().signal,
    });
    expect(result.stopped).toBe(false);
    expect(steps(whole).length).toBe(5);
    const record = run(whole);
    expect(record.status).toBe('complete');
    expect(record.stages[0]).toMatchObject({ stopReason: 'token-budget', tokensSpent: through5, steps: 5, totalSteps: all.length });
    expect(existsSync(path.join(whole, 'stages', '0-train', 'checkpoints', 'final.json'))).toBe(true);

    // Stopped after 2 steps (as Ctrl-C would), then resumed: the count continues from the checkpoint, so
    // the stage ends at the same step with the same spend (a count restarted at 0 would run 2 steps longer).
    const cut = mkdtempSync(path.join(tmpdir(), 'srl-budget-cut-'));
    const controller = new AbortController();
    const stopper: Logger = { ...quietLogger, metrics: (m) => (m.step === 2 && m.type === undefined ? controller.abort() : undefined) };
    const first = await runRecipe({ recipe: recipe(r, trainer, budget), registry: r, logger: stopper, outDir: cut, signal: controller.signal });
    expect(first.interrupted).toBe(true);
    expect(steps(cut).length).toBe(2);
    await runRecipe({ recipe: recipe(r, trainer, budget), registry: r, logger: quietLogger, outDir: cut, signal: new AbortController().signal, resume: true });
    expect(steps(cut).length).toBe(5);
    expect(steps(cut).at(-1)?.['tokens/stage_total']).toBe(through5);
    expect(run(cut).stages[0]).toMatchObject({ stopReason: 'token-budget', tokensSpent: through5, steps: 5 });
    expect(run(cut).status).toBe('complete');
  });
});
