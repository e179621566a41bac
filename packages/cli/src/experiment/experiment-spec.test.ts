import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment, stageBudgets } from './experiment-spec';
import { runExperiment } from './run-experiment';

const oneStage = 'name: a\npolicy: [tfjs-transformer, {}]\ntask: math/gsm8k\nstages: [sft-tiny]\n';
const twoStages = 'name: b\npolicy: [tfjs-transformer, {}]\ntask: math/gsm8k\nstages: [srl-tiny, rlvr-tiny]\n';

/** An experiment folder with a one-stage and a two-stage recipe; `body` is the rest of the experiment file. */
function experiment(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-exp-spec-'));
  writeFileSync(path.join(dir, 'one.yaml'), oneStage);
  writeFileSync(path.join(dir, 'two.yaml'), twoStages);
  const file = path.join(dir, 'experiment.yaml');
  writeFileSync(
    file,
    `name: x\nseeds: [0]\neval: { benchmarks: [{ name: b, label: B, task: math/gsm8k }] }\nbudget: { kind: tokens, perArm: 1000, rule: r }\n${body}`,
  );
  return file;
}

const silent = { log: () => {}, metrics: () => {}, progress: () => {} };

describe('experiment budgets', () => {
  it('split the budget by budgetShares, the last stage taking the rounding, and sum to perArm', () => {
    expect(stageBudgets(200000, [1])).toEqual([200000]);
    expect(stageBudgets(200000, [0.5, 0.5])).toEqual([100000, 100000]);
    expect(stageBudgets(1000, [1 / 3, 1 / 3, 1 / 3])).toEqual([333, 333, 334]);
  });

  it('a two-stage arm must say how its stages split an enforced budget, one share per stage, summing to 1', async () => {
    const missing = experiment('base: one.yaml\narms: [{ name: a, recipe: one.yaml, label: A }, { name: b, recipe: two.yaml, label: B }]\n');
    await expect(loadExperiment(missing)).rejects.toThrow(/arms\[1\]\.budgetShares: two\.yaml has 2 stages; say how they split the budget/);
    const wrong = experiment('base: one.yaml\narms: [{ name: b, recipe: two.yaml, label: B, budgetShares: [0.5, 0.4] }]\n');
    await expect(loadExperiment(wrong)).rejects.toThrow(/sums to 0\.9; the shares must sum to 1/);
    const count = experiment('base: one.yaml\narms: [{ name: b, recipe: two.yaml, label: B, budgetShares: [1] }]\n');
    await expect(loadExperiment(count)).rejects.toThrow(/1 shares for the 2 stages/);
    const spec = await loadExperiment(
      experiment('base: one.yaml\narms: [{ name: a, recipe: one.yaml, label: A }, { name: b, recipe: two.yaml, label: B, budgetShares: [0.25, 0.75] }]\n'),
    );
    expect(spec.budget.enforce).toBe(true);
    expect(spec.arms.map((a) => a.budgetShares)).toEqual([[1], [0.25, 0.75]]);
  });
});

describe('arm recipes', () => {
  it("are read with core's recipe reader and schema when the experiment loads: every structural problem, under the arm", async () => {
    const file = experiment('base: one.yaml\narms: [{ name: a, recipe: one.yaml, label: A }, { name: b, recipe: bad.yaml, label: B }]\n');
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\npolicy: [tfjs-transformer, {}]\ntask: math/gsm8k\nstages: [sft-tiny]\nseeds: 3\n');
    await expect(loadExperiment(file)).rejects.toThrow(/arms\[1\]\.recipe: .*bad\.yaml: .*seeds/);
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\npolicy: [tfjs-transformer, {}\n');
    await expect(loadExperiment(file)).rejects.toThrow(/arms\[1\]\.recipe: recipe .*bad\.yaml is not valid YAML/);
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\npolicy: [tfjs-transformer, {}]\n');
    await expect(loadExperiment(file)).rejects.toThrow(/arms\[1\]\.recipe: .*bad\.yaml has no stages/);
  });

  it("give the evaluations the base recipe's policy as written", async () => {
    const file = experiment('base: two.yaml\narms: [{ name: a, recipe: one.yaml, label: A }]\n');
    writeFileSync(path.join(path.dirname(file), 'two.yaml'), twoStages.replace('{}', '{ preset: llama-tiny, tokenizer: byte }'));
    expect((await loadExperiment(file)).evalPolicy).toEqual(['tfjs-transformer', { preset: 'llama-tiny', tokenizer: 'byte' }]);
  });
});

describe('base: { checkpoint }', () => {
  it('loads without the folder (validated when the experiment runs), and evaluations use the first arm policy', async () => {
    const file = experiment('base: { checkpoint: models/m }\narms: [{ name: a, recipe: one.yaml, label: A }]\n');
    const spec = await loadExperiment(file);
    expect(spec.base).toEqual({ kind: 'checkpoint', checkpoint: path.join(path.dirname(file), 'models', 'm') });
    expect(spec.evalPolicyRecipe).toBe(path.join(path.dirname(file), 'one.yaml'));
    expect(spec.evalPolicy).toEqual(['tfjs-transformer', {}]);
  });

  it('fails the run, before any training, when the checkpoint folder does not exist or is a file', async () => {
    const file = experiment('base: { checkpoint: models/m }\narms: [{ name: a, recipe: one.yaml, label: A }]\n');
    const run = (out: string) =>
      runExperiment({ file, outDir: path.join(path.dirname(file), out), smoke: true, logger: silent, signal: new AbortController().signal });
    await expect(run('out1')).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/base\.checkpoint: .*models\/m does not exist/) });
    mkdirSync(path.join(path.dirname(file), 'models'));
    writeFileSync(path.join(path.dirname(file), 'models', 'm'), '');
    await expect(run('out2')).rejects.toThrow(/base\.checkpoint: .*models\/m is a file; expected a checkpoint folder/);
  });
});
