import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curvePoints, readRunBudget } from './run-budget';

/** A run folder with two stages: metrics lines and the step checkpoints kept. */
function fakeRun(): string {
  const run = mkdtempSync(path.join(tmpdir(), 'srl-budget-'));
  const stage = (name: string, steps: { generated?: number; trained: number; filter?: number }[], kept: number[]): void => {
    const dir = path.join(run, 'stages', name);
    mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
    const lines = steps.map((s, i) =>
      JSON.stringify({
        stage: 0,
        step: i + 1,
        ...(s.generated !== undefined ? { 'tokens/generated': s.generated } : {}),
        'tokens/trained': s.trained,
        ...(s.filter !== undefined ? { filter_rate: s.filter } : {}),
      }),
    );
    lines.splice(1, 0, JSON.stringify({ step: 1, type: 'validation', 'val/accuracy': 0.5 }));
    writeFileSync(path.join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    for (const k of kept) mkdirSync(path.join(dir, 'checkpoints', `step-${String(k).padStart(6, '0')}`));
  };
  stage(
    '0-srl',
    [
      { generated: 10, trained: 90 },
      { generated: 20, trained: 80 },
    ],
    [1, 2],
  );
  stage(
    '1-rlvr',
    [
      { generated: 300, trained: 0, filter: 1 },
      { generated: 100, trained: 100, filter: 0.5 },
      { generated: 50, trained: 50, filter: 0 },
    ],
    [2, 3],
  );
  return run;
}

describe('readRunBudget', () => {
  it('sums generated + trained tokens per stage and gives each kept checkpoint its cumulative budget', () => {
    const budget = readRunBudget(fakeRun());
    expect(budget.spent).toBe(200 + 600);
    expect(budget.byStage).toEqual({
      '0-srl': { steps: 2, tokens: 200, generated: 30, trained: 170 },
      '1-rlvr': { steps: 3, tokens: 600, generated: 450, trained: 150 },
    });
    expect(budget.points.map((p) => [p.stage, p.step, p.tokens, p.final])).toEqual([
      ['0-srl', 1, 100, false],
      ['0-srl', 2, 200, false],
      ['1-rlvr', 2, 700, false],
      ['1-rlvr', 3, 800, true],
    ]);
  });

  it('gives the mean filter rate of the GRPO steps from the same read, and null for a run without any', () => {
    expect(readRunBudget(fakeRun()).filterRate).toBe(0.5);
    const sftOnly = mkdtempSync(path.join(tmpdir(), 'srl-budget-'));
    mkdirSync(path.join(sftOnly, 'stages', '0-sft'), { recursive: true });
    writeFileSync(path.join(sftOnly, 'stages', '0-sft', 'metrics.jsonl'), `${JSON.stringify({ step: 1, 'tokens/trained': 40 })}\n`);
    expect(readRunBudget(sftOnly)).toMatchObject({ spent: 40, filterRate: null });
  });

  it('picks the final checkpoint and the ones nearest to even shares of the budget, without repeats', () => {
    const budget = readRunBudget(fakeRun());
    expect(curvePoints(budget, 1).map((p) => p.tokens)).toEqual([200, 800]); // nearest to 400
    expect(curvePoints(budget, 3).map((p) => p.tokens)).toEqual([200, 700, 800]); // 200, 400 -> 200, 600 -> 700
    expect(curvePoints(budget, 0).map((p) => p.tokens)).toEqual([800]);
  });
});
