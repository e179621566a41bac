import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createTrainablePolicy,
  evaluatePolicy,
  formatEvalTable,
  isTrainablePolicy,
  loadRecipe,
  resolveInside,
  SrlError,
  withCleanup,
  type BenchmarkSpec,
  type EvalSummary,
  type Logger,
  type Policy,
} from '@srl/core';
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
  const evaluate = async (benchmark: BenchmarkSpec, signal: AbortSignal): Promise<void> => {
    const task = await env.registry.create('task', benchmark.task, deps, benchmark.path);
    if (task.evaluate) {
      // Agentic tasks (SWE) run their own episodes: one agent run per problem, resolve rate.
      await withCleanup(logger, async () => {
        const temperature = spec.greedy ? 0 : spec.temperature;
        const run = await task.evaluate!({
          policy,
          split: spec.split,
          limit: opts.limit ?? spec.limit,
          temperature,
          maxTokens: spec.maxTokens,
          outDir,
          logger,
          signal,
        });
        await writeFile(
          resolveInside(outDir, `${benchmark.name}.jsonl`),
          run.results.map((r) => JSON.stringify(r)).join('\n') + (run.results.length ? '\n' : ''),
        );
        summaries.push({ ...run.summary, benchmark: benchmark.name });
        logger.log('info', `${benchmark.name}: ${run.summary.problems} problems, resolved ${(100 * (run.summary.resolveRate ?? 0)).toFixed(1)}%`);
      }, [() => task.dispose?.()]);
      return;
    }
    const reward = await env.registry.create('reward', task.evalMetric.reward, deps, `${benchmark.path}: ${task.name}.evalMetric`);
    await withCleanup(logger, async () => {
      const { summary, results } = await evaluatePolicy({
        policy,
        task,
        name: benchmark.name,
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
      // One file per benchmark, named by its unique, path-safe name.
      await writeFile(resolveInside(outDir, `${benchmark.name}.jsonl`), results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : ''));
      summaries.push(summary);
      logger.log(
        summary.badRows ? 'warn' : 'info',
        `${benchmark.name}: ${summary.problems} problems, ${summary.skipped} skipped (no usable gold answer), ${summary.badRows} malformed rows` +
          (summary.tooLong ? `, ${summary.tooLong} prompts too long for the model` : '') +
          (summary.badRows ? ` (first: ${summary.badRowsFirst.join('; ')})` : '') +
          (summary.greedyAccuracy !== undefined ? `, greedy ${(100 * summary.greedyAccuracy).toFixed(1)}%` : ''),
      );
    }, [() => reward.dispose?.(), () => task.dispose?.()]);
  };
  await withCleanup(
    logger,
    () =>
      withStopSignals(logger, async (signal) => {
        for (const benchmark of spec.benchmarks) {
          await evaluate(benchmark, signal);
          if (signal.aborted) break;
        }
      }),
    [() => policy.dispose()],
  );
  const table = formatEvalTable(summaries);
  await writeFile(resolveInside(outDir, 'summary.md'), table);
  await writeFile(
    resolveInside(outDir, 'summary.json'),
    `${JSON.stringify({ recipe: recipe.name, checkpoint: opts.checkpoint ?? null, trainable: isTrainablePolicy(policy), summaries }, null, 2)}\n`,
  );
  out.write(table);
  logger.log('info', `results: ${outDir}`);
  return 0;
}
