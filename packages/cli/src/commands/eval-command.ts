import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTrainablePolicy, evaluatePolicy, formatEvalTable, isTrainablePolicy, loadRecipe, SrlError, type EvalSummary, type Logger, type Policy } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';
import { withStopSignals } from '../stop-signals';

export interface EvalCommandOptions {
  out?: string;
  checkpoint?: string;
  limit?: number;
  backend?: string;
  /** `--set path=value` recipe overrides. */
  set?: string[];
}

/**
 * `srl eval <recipe>`: greedy accuracy, avg@k and pass@k on each of the recipe's `eval.benchmarks`,
 * scored by each benchmark's metric reward. Writes per-problem JSONL and a summary table.
 */
export async function evalCommand(file: string, opts: EvalCommandOptions, logger: Logger, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const env = await createPluginEnvironment();
  const recipe = await loadRecipe(file, { ...env, overrides: opts.set ?? [] });
  if (!recipe.eval) throw new SrlError('validation', `${file}: has no "eval" section; add e.g. "eval": { "benchmarks": ["math/math500"], "limit": 50 }`);
  const spec = recipe.eval;
  const outDir = path.resolve(opts.out ?? path.join(recipe.output, 'eval'));
  const deps = { logger, baseDir: path.dirname(recipe.file) };
  const overrides = opts.backend ? { backend: opts.backend } : {};
  let policy: Policy;
  if (opts.checkpoint) {
    const trainable = await createTrainablePolicy(env.registry, recipe.policy, overrides, deps);
    await trainable.load(path.resolve(opts.checkpoint));
    policy = trainable;
  } else {
    policy = await env.registry.create('policy', recipe.policy, deps, 'policy');
  }
  await mkdir(outDir, { recursive: true });
  const summaries: EvalSummary[] = [];
  try {
    await withStopSignals(logger, async (signal) => {
      for (const [i, ref] of spec.benchmarks.entries()) {
        const task = await env.registry.create('task', ref, deps, `eval.benchmarks[${i}]`);
        if (task.evaluate) {
          // Agentic tasks (SWE) run their own episodes: one greedy agent run per problem, resolve rate.
          const temperature = spec.greedy ? 0 : spec.temperature;
          const { summary, results } = await task.evaluate({ policy, split: spec.split, limit: opts.limit ?? spec.limit, temperature, maxTokens: spec.maxTokens, outDir, logger, signal });
          const base = task.name.replace(/[^\w.-]+/g, '_');
          await writeFile(path.join(outDir, `${base}.jsonl`), results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
          summaries.push(summary);
          logger.log('info', `${task.name}: ${summary.problems} problems, resolved ${(100 * (summary.resolveRate ?? 0)).toFixed(1)}%`);
          if (signal.aborted) break;
          continue;
        }
        const reward = await env.registry.create('reward', task.evalMetric.reward, deps, `${task.name}.evalMetric`);
        const { summary, results } = await evaluatePolicy({
          policy,
          task,
          reward,
          split: spec.split,
          limit: opts.limit ?? spec.limit,
          greedy: spec.greedy,
          samples: spec.samples,
          temperature: spec.temperature,
          topP: spec.topP,
          maxTokens: spec.maxTokens,
          batchSize: spec.batchSize,
          logger,
          signal,
        });
        await reward.dispose?.();
        const base = task.name.replace(/[^\w.-]+/g, '_');
        await writeFile(path.join(outDir, `${base}.jsonl`), results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
        summaries.push(summary);
        logger.log('info', `${task.name}: ${summary.problems} problems` + (summary.greedyAccuracy !== undefined ? `, greedy ${(100 * summary.greedyAccuracy).toFixed(1)}%` : ''));
        if (signal.aborted) break;
      }
    });
  } finally {
    await policy.dispose();
  }
  const table = formatEvalTable(summaries);
  await writeFile(path.join(outDir, 'summary.md'), table);
  await writeFile(path.join(outDir, 'summary.json'), `${JSON.stringify({ recipe: recipe.name, checkpoint: opts.checkpoint ?? null, trainable: isTrainablePolicy(policy), summaries }, null, 2)}\n`);
  out.write(table);
  logger.log('info', `results: ${outDir}`);
  return 0;
}
