import { isTrainablePolicy, type TrainablePolicy } from '../contracts/policy';
import type { RewardModel } from '../contracts/reward-model';
import type { Task } from '../contracts/task';
import type { Trainer, ValidationResult } from '../contracts/trainer';
import { evaluatePolicy } from '../eval/evaluate-policy';
import { SrlError } from '../errors';
import { pluginRefName, type PluginRef } from '../plugins/plugin-ref';
import type { CreateDeps, PluginRegistry } from '../plugins/plugin-registry';
import type { RewardEntry } from '../recipe/recipe';
import { CheckedReward } from '../rewards-math/checked-reward';
import { WeightedSumReward } from '../rewards-math/weighted-sum-reward';
import { cleanUp } from './cleanup';

/** Creates a policy from a recipe reference with command-line overrides; it must be trainable. The caller disposes it. */
export async function createTrainablePolicy(
  registry: PluginRegistry,
  ref: PluginRef,
  overrides: Record<string, unknown>,
  deps: CreateDeps,
): Promise<TrainablePolicy> {
  const name = pluginRefName(ref);
  const options = { ...(typeof ref === 'string' ? {} : (ref[1] ?? {})), ...overrides };
  const policy = await registry.create('policy', [name, options], deps, 'policy');
  if (!isTrainablePolicy(policy))
    throw new SrlError(
      'validation',
      `policy: "${name}" cannot be trained here (it has no weights srl can update). Train with a trainable policy such as tfjs-transformer, or train where the weights are (TRL, verl, OpenRLHF) and give that trainer srl's data (srl export) or rewards (srl serve reward)`,
    );
  return policy;
}

/**
 * Composes a stage's weighted reward list into one RewardModel; each plugin is wrapped in a
 * CheckedReward (timeout, one finite-or-null result per input). The caller disposes it.
 */
export async function createRewards(registry: PluginRegistry, entries: RewardEntry[], deps: CreateDeps): Promise<RewardModel> {
  const settled = await Promise.allSettled(
    entries.map(async (e) => ({
      model: new CheckedReward(await registry.create('reward', e.reward, deps, e.path), {
        at: e.path,
        ...(e.timeoutSeconds !== undefined ? { timeoutSeconds: e.timeoutSeconds } : {}),
      }),
      weight: e.weight,
      label: pluginRefName(e.reward),
    })),
  );
  const parts = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // The rewards that were created are disposed; the first failure is reported.
    await cleanUp(
      deps.logger,
      failed.reason,
      parts.map((p) => () => p.model.dispose?.()),
    );
    throw failed.reason;
  }
  return parts.length === 1 && parts[0].weight === 1 ? parts[0].model : new WeightedSumReward(parts);
}

/** The stage's rewards, or its trainer's default reward when the recipe names none. */
export function stageRewards(entries: RewardEntry[], trainer: Trainer): RewardEntry[] {
  if (entries.length) return entries;
  const fallback = trainer.defaultReward;
  return fallback ? [{ reward: fallback, weight: 1, path: 'trainer.reward' }] : [];
}

/** Greedy accuracy of `policy` on a held-out split with the task's metric; null when the task has no such split. */
export async function validateOn(o: {
  registry: PluginRegistry;
  task: Task;
  policy: TrainablePolicy;
  options: { split: string; limit?: number; maxTokens: number };
  deps: CreateDeps;
  signal: AbortSignal;
}): Promise<ValidationResult | null> {
  const { task, options: v } = o;
  if (!task.splits().includes(v.split)) return null;
  const reward = await o.registry.create('reward', task.evalMetric.reward, o.deps, `${task.name}.evalMetric`);
  try {
    const { summary } = await evaluatePolicy({
      policy: o.policy,
      task,
      reward,
      split: v.split,
      limit: v.limit,
      greedy: true,
      samples: 0,
      temperature: 0,
      topP: 1,
      maxTokens: v.maxTokens,
      batchSize: 16,
      signal: o.signal,
    });
    return summary.greedyAccuracy === undefined ? null : { metric: task.evalMetric.name, value: summary.greedyAccuracy, problems: summary.problems };
  } finally {
    await reward.dispose?.();
  }
}
