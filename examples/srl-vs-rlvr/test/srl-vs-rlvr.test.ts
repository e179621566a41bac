import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@srl/cli';
import { describe, expect, it } from 'vitest';

const file = fileURLToPath(new URL('./smoke.experiment.yaml', import.meta.url));
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('srl-vs-rlvr experiment (smoke)', () => {
  it('trains the base, ends every arm stage at its token budget, evaluates them, and a rerun skips what is complete', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-exp-'));
    expect(await main(['--log-format', 'json', 'experiment', file, '--out', out, '--smoke'])).toBe(0);
    const experiment = json(path.join(out, 'experiment.json'));
    expect(experiment).toMatchObject({ name: 'srl-vs-rlvr-smoke', status: 'complete', seeds: [0], budget: { kind: 'tokens', perArm: 100, enforced: true } });
    expect(experiment.arms.map((a: { name: string }) => a.name)).toEqual([
      'sft',
      'rlvr',
      'srl',
      'srl-then-rlvr',
      'srl-no-dynamic-sampling',
      'srl-whole-solution',
    ]);
    expect(json(path.join(out, 'base', 'eval', 'summary.json')).summaries.map((s: { benchmark: string }) => s.benchmark)).toEqual(['hard', 'easy']);
    const expert = readFileSync(path.join(out, 'benchmarks', 'hard.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(expert).toHaveLength(2);
    expect(expert[0].steps).toHaveLength(5);

    for (const arm of experiment.arms as { name: string }[]) {
      const dir = path.join(out, 'arms', arm.name, 'seed-0');
      const budget = json(path.join(dir, 'budget.json'));
      expect(budget).toMatchObject({ kind: 'tokens', planned: 100, enforced: true });
      // The 100-token budget (50 per stage for SRL → RLVR) is smaller than any step, so the budget, not
      // --max-steps 3, ended every stage after its first step, complete.
      const stages = Object.values(budget.byStage) as { steps: number; tokens: number; stopReason?: string }[];
      expect(stages).toHaveLength(arm.name === 'srl-then-rlvr' ? 2 : 1);
      for (const stage of stages) expect(stage).toMatchObject({ steps: 1, stopReason: 'token-budget' });
      expect(budget.spent).toBe(stages.reduce((a, st) => a + st.tokens, 0));
      expect(json(path.join(dir, 'run', 'run.json')).status).toBe('complete');
      const evals = readdirSync(path.join(dir, 'evals'))
        .map(Number)
        .sort((a, b) => a - b);
      // The last evaluation is at the budget spent, with avg@k; a two-stage arm also has its first stage's end.
      expect(evals.at(-1)).toBe(budget.spent);
      const final = json(path.join(dir, 'evals', String(budget.spent), 'summary.json'));
      expect(final.summaries[0]).toMatchObject({ benchmark: 'hard', problems: 2, k: 2 });
      expect(existsSync(path.join(dir, 'done.json'))).toBe(true);
    }
    const rlvr = readFileSync(path.join(out, 'arms', 'rlvr', 'seed-0', 'run', 'stages', '0-rlvr-tiny', 'metrics.jsonl'), 'utf8');
    expect(JSON.parse(rlvr.trim().split('\n')[0])).toHaveProperty('filter_rate');
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toMatch(/\| SRL → RLVR \| .* \| 1\/1 \|/);

    // Resumable: everything is complete, so a rerun trains and evaluates nothing and keeps the results.
    const before = readFileSync(path.join(out, 'arms', 'srl', 'seed-0', 'done.json'), 'utf8');
    expect(await main(['--log-format', 'json', 'experiment', file, '--out', out, '--smoke'])).toBe(0);
    expect(readFileSync(path.join(out, 'arms', 'srl', 'seed-0', 'done.json'), 'utf8')).toBe(before);
    expect(json(path.join(out, 'experiment.json')).invocations).toHaveLength(2);
  }, 300_000); // the whole experiment: 80-90 s alone on 2 cores, more when another test file shares them

  it('reports every problem of a broken experiment file at once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-exp-bad-'));
    const bad = path.join(dir, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'name: x\nseeds: []\nbase: missing.yaml\narms: [{ name: a, recipe: nope.yaml }]\neval: { benchmarks: [] }\n');
    const { loadExperiment } = await import('@srl/cli');
    const error = (await loadExperiment(bad).then(
      () => new Error('loaded'),
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/seeds: must NOT have fewer than 1 items/);
    expect(error.message).toMatch(/arms\[0\]: missing required property "label"|arms\[0\].*label/);
    expect(error.message).toMatch(/budget/);
  });
});
