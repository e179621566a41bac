import type { ServiceIdentifier } from 'inversify';

export const REWARD_SPEC_VERSION = 1 as const;

/** One sample to score. Extra dataset columns arrive in `metadata` (TRL's named fields). */
export interface RewardInput {
  completion: string;
  /** The expert step (SRL) or the gold answer / solution (RLVR). */
  reference?: string;
  prompt?: string;
  metadata?: Record<string, unknown>;
}

export interface RewardResult {
  /** null means "does not apply": it is excluded from means and advantages, never counted as 0. */
  reward: number | null;
  /** Named parts for logging, e.g. { similarity: 0.62, format_ok: 1 }. */
  components: Record<string, number | null>;
}

/** A batched, async reward. Returns exactly one result per input, in order. */
export interface RewardModel {
  readonly specVersion: typeof REWARD_SPEC_VERSION;
  readonly name: string;
  score(inputs: RewardInput[]): Promise<RewardResult[]>;
  dispose?(): void | Promise<void>;
}
export const RewardModel: ServiceIdentifier<RewardModel> = Symbol.for('@srl/core/RewardModel');
