import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';

/** Budget spent by one stage of a run. */
export interface StageBudget {
  steps: number;
  /** generated + trained. */
  tokens: number;
  generated: number;
  trained: number;
  /** Why the stage ended, from its result.json (`token-budget` when its tokenBudget stopped it); absent while it runs. */
  stopReason?: string;
}

/** A checkpoint of a run with the budget spent when it was saved (all earlier stages included). */
export interface BudgetPoint {
  stage: string;
  step: number;
  tokens: number;
  dir: string;
  /** The run's last checkpoint (the final stage's final step). */
  final: boolean;
}

export interface RunBudget {
  kind: 'tokens';
  spent: number;
  byStage: Record<string, StageBudget>;
  points: BudgetPoint[];
  /** Mean `filter_rate` over the run's GRPO steps (dynamic sampling), null without any. */
  filterRate: number | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Stage folders of a run in order (`0-sft`, `1-srl`, ...). */
export function stageFolders(runDir: string): string[] {
  const root = path.join(runDir, 'stages');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => /^\d+-/.test(d))
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
}

/**
 * The budget a run folder spent, from its stages' metrics.jsonl (`tokens/generated` and
 * `tokens/trained` of every step: generated plus trained tokens), every step checkpoint it kept with the
 * cumulative budget at that step, and the mean filter rate of its GRPO steps. Each metrics file is read once.
 */
export function readRunBudget(runDir: string): RunBudget {
  const byStage: Record<string, StageBudget> = {};
  const points: BudgetPoint[] = [];
  const rates: number[] = [];
  let before = 0;
  const stages = stageFolders(runDir);
  for (const stage of stages) {
    const file = path.join(runDir, 'stages', stage, 'metrics.jsonl');
    const cumulative = new Map<number, number>();
    const sums: StageBudget = { steps: 0, tokens: 0, generated: 0, trained: 0 };
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as Record<string, unknown>;
        if (m.type !== undefined || typeof m.step !== 'number') continue; // validation lines
        if (!('tokens/trained' in m))
          throw new SrlError('runtime', `${file}: step ${m.step} has no "tokens/trained" metric; the experiment's budget needs a trainer of this srl version`);
        if (typeof m.filter_rate === 'number') rates.push(m.filter_rate);
        sums.steps = Math.max(sums.steps, m.step);
        sums.generated += num(m['tokens/generated']);
        sums.trained += num(m['tokens/trained']);
        sums.tokens = sums.generated + sums.trained;
        cumulative.set(m.step, before + sums.tokens);
      }
    }
    const resultFile = path.join(runDir, 'stages', stage, 'result.json');
    if (existsSync(resultFile)) {
      const reason = (JSON.parse(readFileSync(resultFile, 'utf8')) as { stopReason?: string }).stopReason;
      if (reason) sums.stopReason = reason;
    }
    byStage[stage] = sums;
    const ckptRoot = path.join(runDir, 'stages', stage, 'checkpoints');
    if (existsSync(ckptRoot)) {
      for (const d of readdirSync(ckptRoot)
        .filter((e) => /^step-\d+$/.test(e))
        .sort()) {
        const step = Number(d.slice(5));
        const tokens = cumulative.get(step);
        if (step > 0 && tokens !== undefined) points.push({ stage, step, tokens: Math.round(tokens), dir: path.join(ckptRoot, d), final: false });
      }
    }
    before += sums.tokens;
  }
  const last = points.at(-1);
  if (last && last.stage === stages.at(-1) && last.step === byStage[last.stage].steps) last.final = true;
  const filterRate = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
  return { kind: 'tokens', spent: Math.round(before), byStage, points, filterRate };
}

/**
 * The checkpoints of a learning curve: the final one and up to `count` others, each the checkpoint
 * nearest to an even share of the budget (i / (count + 1) of what was spent), without repeats.
 */
export function curvePoints(budget: RunBudget, count: number): BudgetPoint[] {
  const final = budget.points.find((p) => p.final);
  if (!final) return [];
  const others = budget.points.filter((p) => !p.final);
  const chosen = new Set<BudgetPoint>();
  for (let i = 1; i <= count && others.length; i++) {
    const target = (budget.spent * i) / (count + 1);
    const nearest = others.reduce((a, b) => (Math.abs(b.tokens - target) < Math.abs(a.tokens - target) ? b : a));
    chosen.add(nearest);
  }
  return [...[...chosen].sort((a, b) => a.tokens - b.tokens), final];
}
