/**
 * SRL §4.2 dynamic sampling: a prompt's group is kept only if the population std of its rewards
 * exceeds ε (groups whose rollouts all score alike carry no GRPO signal), and sampling continues
 * until the batch holds B groups. The paper does not give ε (srl's default is 1e-4) and has no cap;
 * srl caps the rounds (then the step trains on what it has, and says so in its metrics).
 *
 * Round 1 asks for the missing groups (times `oversample`); every later round asks for
 * missing / (observed keep rate), at most `maxOversample` per missing group, so at a filter rate
 * f = 0.9 the second round asks for about 10× what is missing instead of 1×. Each round asks for
 * at least what is missing, so the expected fill after R rounds is at least 1 − f^R whatever the
 * estimate: the default cap of 44 rounds gives ≥ 99.03% at f = 0.9 (0.9^44 = 0.0097); with the
 * keep-rate estimate a batch usually fills in 2–3 rounds.
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

/** The default cap on sampling rounds: the smallest R with 1 − 0.9^R ≥ 0.99. */
export const DEFAULT_MAX_SAMPLING_ROUNDS = 44;

/** The default cap on a later round's oversampling factor (groups asked per missing group). */
export const DEFAULT_MAX_OVERSAMPLE = 16;

export interface DynamicBatch<G> {
  kept: G[];
  /** The batch size asked for (B). */
  target: number;
  /** Groups generated in all rounds. */
  generated: number;
  /** Groups the filter accepted, including any beyond the batch (dropped). */
  accepted: number;
  rounds: number;
  /** Groups asked for in each round. */
  asked: number[];
  /** True when the round cap stopped sampling before the batch was full. */
  capped: boolean;
}

/**
 * Fills a batch of `batchSize` groups: each round asks `sample(n)` for n fresh groups (n: see the file
 * comment), keeps those `keep` accepts, and stops when full or after `maxRounds`. Extra kept groups beyond
 * the batch are dropped (they were sampled under the same weights).
 */
export async function fillDynamicBatch<G>(input: {
  batchSize: number;
  maxRounds: number;
  /** Factor of round 1 (default 1). */
  oversample?: number;
  /** Cap on the keep-rate factor of later rounds (default {@link DEFAULT_MAX_OVERSAMPLE}); 1 turns the estimate off. */
  maxOversample?: number;
  sample: (n: number) => Promise<G[]>;
  keep: (group: G) => boolean;
}): Promise<DynamicBatch<G>> {
  const kept: G[] = [];
  const asked: number[] = [];
  const maxOversample = Math.max(1, input.maxOversample ?? DEFAULT_MAX_OVERSAMPLE);
  let generated = 0;
  let accepted = 0;
  let rounds = 0;
  while (kept.length < input.batchSize && rounds < input.maxRounds) {
    const missing = input.batchSize - kept.length;
    let factor = input.oversample ?? 1;
    if (rounds > 0) {
      const keepRate = accepted / generated;
      factor = keepRate > 0 ? Math.min(maxOversample, Math.max(1, 1 / keepRate)) : maxOversample;
    }
    const n = Math.max(1, Math.ceil(missing * factor - 1e-9));
    asked.push(n);
    const groups = await input.sample(n);
    rounds++;
    generated += groups.length;
    if (groups.length === 0) break;
    for (const g of groups) {
      if (!input.keep(g)) continue;
      accepted++;
      if (kept.length < input.batchSize) kept.push(g);
    }
  }
  return { kept, target: input.batchSize, generated, accepted, rounds, asked, capped: kept.length < input.batchSize };
}
