/**
 * SRL §4.2 dynamic sampling: a prompt's group is kept only if the population std of its rewards
 * exceeds ε (groups whose rollouts all score alike carry no GRPO signal); sampling continues until
 * the batch holds B groups, or a cap on generation rounds is hit (then the step trains on what it has).
 * The paper does not give ε; srl's default is 1e-4 (documented in the trainer options).
 */
import { populationStd } from './advantages';

export interface GroupFilterResult {
  keep: boolean;
  std: number;
  /** Rewards that apply (non-null). */
  applied: number;
}

export function filterGroup(rewards: readonly (number | null)[], epsilon: number): GroupFilterResult {
  const applied = rewards.filter((r): r is number => r !== null);
  const std = populationStd(applied);
  return { keep: applied.length >= 2 && std > epsilon, std, applied: applied.length };
}

export interface DynamicBatch<G> {
  kept: G[];
  /** Groups generated in all rounds. */
  generated: number;
  rounds: number;
  /** True when the round cap stopped sampling before the batch was full. */
  capped: boolean;
}

/**
 * Fills a batch of `batchSize` groups: each round asks `sample(n)` for n fresh groups (n = what is
 * still missing, times `oversample`), keeps those `keep` accepts, and stops when full or after `maxRounds`.
 * Extra kept groups beyond the batch are dropped (they were sampled under the same weights).
 */
export async function fillDynamicBatch<G>(input: {
  batchSize: number;
  maxRounds: number;
  oversample?: number;
  sample: (n: number) => Promise<G[]>;
  keep: (group: G) => boolean;
}): Promise<DynamicBatch<G>> {
  const kept: G[] = [];
  let generated = 0;
  let rounds = 0;
  while (kept.length < input.batchSize && rounds < input.maxRounds) {
    const missing = input.batchSize - kept.length;
    const groups = await input.sample(Math.max(1, Math.ceil(missing * (input.oversample ?? 1))));
    rounds++;
    generated += groups.length;
    if (groups.length === 0) break;
    for (const g of groups) if (input.keep(g) && kept.length < input.batchSize) kept.push(g);
  }
  return { kept, generated, rounds, capped: kept.length < input.batchSize };
}
