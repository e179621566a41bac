import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';
import type { ExperimentSpec } from './experiment-spec';

/** The two evaluation recipes of an experiment: final (greedy + samples) and curve (greedy, fewer problems). */
export interface EvalRecipes {
  final: string;
  curve: string;
}

/**
 * Writes `<out>/recipes/eval-final.json` and `eval-curve.json`: eval-only recipes of the experiment's
 * benchmarks whose policy is the base recipe's (the first arm's for a checkpoint base), built from the base checkpoint (its config.json gives the
 * architecture); `srl eval --checkpoint` then loads each arm's weights into it.
 */
export async function writeEvalRecipes(input: { spec: ExperimentSpec; outDir: string; baseCheckpoint: string; smoke: boolean }): Promise<EvalRecipes> {
  const { spec, outDir, smoke } = input;
  const [name, options] = spec.evalPolicy;
  const policy = [name, { ...options, checkpoint: input.baseCheckpoint }];
  const benchmarks = spec.eval.benchmarks.map((b) => ({ name: b.name, task: b.task }));
  const common = {
    split: 'test',
    greedy: true,
    temperature: spec.eval.temperature,
    maxTokens: spec.eval.maxTokens,
    batchSize: spec.eval.batchSize,
    benchmarks,
  };
  const final = {
    name: `${spec.name}-eval`,
    policy,
    eval: { ...common, samples: smoke ? spec.smoke.samples : spec.eval.samples, limit: smoke ? spec.smoke.evalLimit : spec.eval.limit },
  };
  const curve = { name: `${spec.name}-curve`, policy, eval: { ...common, samples: 0, limit: smoke ? spec.smoke.evalLimit : spec.eval.curve.limit } };
  const dir = path.join(outDir, 'recipes');
  await mkdir(dir, { recursive: true });
  const files = { final: path.join(dir, 'eval-final.json'), curve: path.join(dir, 'eval-curve.json') };
  await writeFileAtomic(files.final, `${JSON.stringify(final, null, 2)}\n`);
  await writeFileAtomic(files.curve, `${JSON.stringify(curve, null, 2)}\n`);
  return files;
}

/**
 * Writes `<out>/benchmarks/<name>.jsonl`: every evaluated problem of each benchmark with its expert
 * solution (steps and titles), so a report can set rollouts against it (eval rows join on `id`).
 */
export async function writeBenchmarkProblems(input: { spec: ExperimentSpec; outDir: string; limit: number }): Promise<Record<string, number>> {
  const env = await createPluginEnvironment();
  const dir = path.join(input.outDir, 'benchmarks');
  await mkdir(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const [i, b] of input.spec.eval.benchmarks.entries()) {
    const task = await env.registry.create('task', b.task, { logger: silent, baseDir: path.dirname(input.spec.file) }, `eval.benchmarks[${i}].task`);
    try {
      const { examples } = await task.load('test', { limit: input.limit });
      const rows = examples.map((e) =>
        JSON.stringify({ id: e.id, problem: e.problem, answer: e.answer, solution: e.solution, steps: e.steps, stepTitles: e.stepTitles }),
      );
      await writeFile(path.join(dir, `${b.name}.jsonl`), rows.length ? `${rows.join('\n')}\n` : '');
      counts[b.name] = rows.length;
    } finally {
      await task.dispose?.();
    }
  }
  return counts;
}

const silent = { log: () => {}, metrics: () => {}, progress: () => {} };
