import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchmarkSpec } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';
import type { Experiment } from './read-experiment';

/** The benchmark's task spec, from the first recorded recipe (the experiment's eval recipes, the base, the arms' runs) whose `eval.benchmarks` names it. */
function benchmarkSpec(exp: Experiment, benchmark: string): { spec: BenchmarkSpec; recipe: string } | null {
  const recipes = [
    path.join(exp.dir, 'recipes', 'eval-final.json'),
    path.join(exp.dir, 'recipes', 'eval-curve.json'),
    path.join(exp.dir, 'base', 'recipe.json'),
  ];
  for (const arm of exp.arms) {
    for (const seed of arm.seeds) recipes.push(path.join(exp.dir, 'arms', arm.name, `seed-${seed.seed}`, 'run', 'recipe.json'));
  }
  for (const file of recipes.filter((f) => existsSync(f))) {
    try {
      const recipe = JSON.parse(readFileSync(file, 'utf8')) as { eval?: { benchmarks?: BenchmarkSpec[] } };
      const spec = recipe.eval?.benchmarks?.find((b) => b.name === benchmark);
      if (spec) return { spec, recipe: file };
    } catch {
      // a recipe cut mid-write: try the next one
    }
  }
  return null;
}

/** `<out>/benchmarks/<benchmark>.jsonl`, written by `srl experiment`: id and expert solution of every held-out problem. */
function recordedSolutions(exp: Experiment, benchmark: string): Map<string, string> | null {
  const file = path.join(exp.dir, 'benchmarks', `${benchmark}.jsonl`);
  if (!existsSync(file)) return null;
  const solutions = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const row = JSON.parse(line) as { id?: string; solution?: string; steps?: string[] };
      const text = row.solution ?? row.steps?.join('\n');
      if (row.id && text) solutions.set(row.id, text);
    } catch {
      // blank or cut line
    }
  }
  return solutions;
}

/**
 * The expert solution of each problem id of a benchmark: from `<out>/benchmarks/<benchmark>.jsonl`
 * when the experiment wrote it, otherwise from the benchmark's own task (created from
 * the recorded recipe's `eval.benchmarks` entry, split as evaluated). A benchmark that no recorded
 * recipe names, or whose data cannot be loaded here, gives the reason instead: the report then shows
 * the rollouts without a diff.
 */
export async function expertSolutions(
  exp: Experiment,
  benchmark: string,
  split: string,
  ids: readonly string[],
): Promise<{ solutions: Map<string, string> } | { missing: string }> {
  const recorded = recordedSolutions(exp, benchmark);
  if (recorded && ids.every((id) => recorded.has(id))) return { solutions: recorded };
  const found = benchmarkSpec(exp, benchmark);
  if (!found) return { missing: `no recipe.json under ${exp.dir} names the benchmark ${benchmark} in eval.benchmarks` };
  const quiet = { log: () => {}, metrics: () => {}, progress: () => {} };
  try {
    const env = await createPluginEnvironment();
    const task = await env.registry.create('task', found.spec.task, { logger: quiet, baseDir: process.cwd() }, `${found.recipe}: eval.benchmarks`);
    try {
      const { examples } = await task.load(split, {});
      const wanted = new Set(ids);
      const solutions = new Map<string, string>();
      for (const e of examples) {
        const text = e.solution ?? e.steps?.join('\n');
        if (wanted.has(e.id) && text) solutions.set(e.id, text);
      }
      return { solutions };
    } finally {
      await task.dispose?.();
    }
  } catch (error) {
    return { missing: `cannot load ${benchmark}/${split} from ${found.recipe}: ${(error as Error).message}` };
  }
}
