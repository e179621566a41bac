import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../contracts/logger';
import { isTrainablePolicy, type TrainablePolicy } from '../contracts/policy';
import type { RewardModel } from '../contracts/reward-model';
import type { Task } from '../contracts/task';
import type { StageResult, Trainer, TrainerContext, ValidationResult } from '../contracts/trainer';
import { evaluatePolicy } from '../eval/evaluate-policy';
import { SrlError } from '../errors';
import type { PluginDeps } from '../plugins/define-plugin';
import { pluginRefName, type PluginRef } from '../plugins/plugin-ref';
import type { PluginRegistry } from '../plugins/plugin-registry';
import type { Recipe, RewardEntry } from '../recipe/recipe';
import { DirectoryCheckpointStore, writeFileAtomic } from '../training/directory-checkpoint-store';
import { WeightedSumReward } from '../rewards-math/weighted-sum-reward';
import { StageLogger } from './stage-logger';

export interface RunRecipeOptions {
  recipe: Recipe;
  registry: PluginRegistry;
  logger: Logger;
  outDir: string;
  maxSteps?: number;
  resume?: boolean;
  signal: AbortSignal;
  /** Policy option overrides from the command line (e.g. { backend: 'cpu' }). */
  policyOverrides?: Record<string, unknown>;
}

export interface RunResult {
  outDir: string;
  interrupted: boolean;
  stages: (StageResult & { name: string })[];
}

/** Creates a policy from a recipe reference with command-line overrides; it must be trainable. */
export async function createTrainablePolicy(registry: PluginRegistry, ref: PluginRef, overrides: Record<string, unknown>, deps: Omit<PluginDeps, 'create'>): Promise<TrainablePolicy> {
  const name = pluginRefName(ref);
  const options = { ...(typeof ref === 'string' ? {} : (ref[1] ?? {})), ...overrides };
  const policy = await registry.create('policy', [name, options], deps, 'policy');
  if (!isTrainablePolicy(policy)) throw new SrlError('validation', `policy: "${name}" cannot be trained here (it has no weights srl can update). Train with a trainable policy such as tfjs-transformer, or train where the weights are (TRL, verl, OpenRLHF) and give that trainer srl's data (srl export) or rewards (srl serve reward)`);
  return policy;
}

/** Composes a stage's weighted reward list into one RewardModel. */
export async function createRewards(registry: PluginRegistry, entries: RewardEntry[], deps: Omit<PluginDeps, 'create'>): Promise<RewardModel> {
  const parts = await Promise.all(entries.map(async (e) => ({ model: await registry.create('reward', e.reward, deps, e.path), weight: e.weight, label: pluginRefName(e.reward) })));
  return parts.length === 1 && parts[0].weight === 1 ? parts[0].model : new WeightedSumReward(parts);
}

/**
 * Runs a recipe's stages in order (SFT -> SRL -> RLVR ...). Each stage starts from the previous
 * stage's final or best checkpoint. With `resume`, completed stages are skipped and the running
 * stage continues from its latest atomic checkpoint.
 */
export async function runRecipe(o: RunRecipeOptions): Promise<RunResult> {
  const { recipe, registry, logger } = o;
  const outDir = path.resolve(o.outDir);
  const runFile = path.join(outDir, 'run.json');
  if (existsSync(runFile) && !o.resume) {
    throw new SrlError('usage', `run folder ${outDir} already holds a run; pass --resume to continue it, or --out to start a new one (nothing was changed)`);
  }
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(path.join(outDir, 'recipe.json'), `${JSON.stringify(recipe, null, 2)}\n`);
  const deps = { logger, baseDir: path.dirname(recipe.file) };
  const policy = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, deps);
  const results: RunResult['stages'] = [];
  const status = async (state: string): Promise<void> =>
    writeFileAtomic(runFile, `${JSON.stringify({ recipe: recipe.name, status: state, stages: results, updated: new Date().toISOString() }, null, 2)}\n`);
  try {
    let previous: StageResult | null = null;
    for (const [index, stage] of recipe.stages.entries()) {
      // Folders sort in run order: stages/<index>-<name>.
      const stageDir = path.join(outDir, 'stages', /^\d+-/.test(stage.name) ? stage.name : `${index}-${stage.name}`);
      await mkdir(stageDir, { recursive: true });
      const store = new DirectoryCheckpointStore(path.join(stageDir, 'checkpoints'));
      const resultFile = path.join(stageDir, 'result.json');
      const startFrom = previous ? (stage.from === 'best' && previous.best ? previous.best : previous.final) : null;
      if (o.resume && existsSync(resultFile)) {
        previous = JSON.parse(await readFile(resultFile, 'utf8')) as StageResult;
        results.push({ ...previous, name: stage.name });
        logger.log('info', `stage ${index} (${stage.name}): already complete, skipped`);
        continue;
      }
      const stageLogger = new StageLogger(logger, path.join(stageDir, 'metrics.jsonl'));
      const latest = o.resume ? await store.latest('latest') : null;
      if (latest) {
        await policy.load(latest.info.dir);
        stageLogger.truncateAfter(latest.state.step);
      } else {
        stageLogger.truncateAfter(-1); // a stage started afresh keeps no lines of an earlier attempt
        if (startFrom) await policy.load(startFrom.dir);
        policy.resetOptimizer();
      }
      const task = await registry.create('task', stage.task, deps, `${stage.path}.task`);
      const trainer = await registry.create('trainer', stage.trainer, deps, stage.path);
      const rewards = await createRewards(registry, stageRewards(stage.rewards, trainer), { ...deps, tokenizer: { encode: (text) => policy.tokenize(text) } });
      await status('running');
      const ctx: TrainerContext = {
        policy,
        task,
        rewards,
        logger: stageLogger,
        checkpoints: store,
        signal: o.signal,
        seed: recipe.seed,
        stage: index,
        outDir: stageDir,
        ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
        ...(latest ? { resumeFrom: latest.state } : {}),
        validate: (v) => validateOn(registry, task, policy, v, deps, o.signal),
        createReference: async () => {
          // The stage's starting weights, saved once, so a resumed stage gets the same reference.
          const referenceDir = path.join(stageDir, 'reference');
          if (!existsSync(referenceDir)) {
            if (latest) throw new SrlError('runtime', `${stageDir} has checkpoints but no reference/ folder; the KL reference of this stage is lost (start the stage again without --resume)`);
            const tmp = `${referenceDir}.tmp-${process.pid}`;
            await rm(tmp, { recursive: true, force: true });
            await policy.save(tmp);
            await rename(tmp, referenceDir);
          }
          const reference = await createTrainablePolicy(registry, recipe.policy, o.policyOverrides ?? {}, deps);
          await reference.load(referenceDir);
          return reference;
        },
      };
      logger.log('info', `stage ${index} (${stage.name}): ${pluginRefName(stage.trainer)} on ${task.name}` + (startFrom && !latest ? `, from ${path.relative(outDir, startFrom.dir)}` : ''));
      const result = await trainer.run(ctx);
      await rewards.dispose?.();
      results.push({ ...result, name: stage.name });
      if (result.interrupted) {
        await status('interrupted');
        logger.log('warn', `stopped at stage ${index} step ${result.steps}; continue with --resume`);
        return { outDir, interrupted: true, stages: results };
      }
      await writeFileAtomic(resultFile, `${JSON.stringify(result, null, 2)}\n`);
      previous = result;
    }
    await status('complete');
    return { outDir, interrupted: false, stages: results };
  } finally {
    await policy.dispose();
  }
}

/** A stage's rewards, or its trainer's default reward when the recipe gives none. */
export function stageRewards(entries: RewardEntry[], trainer: Trainer): RewardEntry[] {
  if (entries.length) return entries;
  const fallback = (trainer as Trainer & { defaultReward?: PluginRef }).defaultReward;
  return fallback ? [{ reward: fallback, weight: 1, path: 'trainer.reward' }] : [];
}

async function validateOn(
  registry: PluginRegistry,
  task: Task,
  policy: TrainablePolicy,
  v: { split: string; limit?: number; maxTokens: number },
  deps: Omit<PluginDeps, 'create'>,
  signal: AbortSignal,
): Promise<ValidationResult | null> {
  if (!task.splits().includes(v.split)) return null;
  const reward = await registry.create('reward', task.evalMetric.reward, deps, `${task.name}.evalMetric`);
  const { summary } = await evaluatePolicy({ policy, task, reward, split: v.split, limit: v.limit, greedy: true, samples: 0, temperature: 0, topP: 1, maxTokens: v.maxTokens, batchSize: 16, signal });
  await reward.dispose?.();
  return summary.greedyAccuracy === undefined ? null : { metric: task.evalMetric.name, value: summary.greedyAccuracy, problems: summary.problems };
}
