/**
 * The one list of metric keys: what trainers write to a stage's metrics.jsonl (one line per optimizer step, plus
 * validation lines), what the console summarises and what `srl report` charts. A key not listed here is typed as
 * one of the patterned families below (per reward component, per validation metric).
 */
export const METRIC_KEYS = {
  loss: 'training loss of the step (SFT: token cross-entropy; GRPO: clipped surrogate)',
  val_loss: 'SFT: cross-entropy on the held-out split',
  best_validation: "best validation value of the stage (the task's metric)",
  grad_norm: 'global gradient norm before clipping',
  lr: 'learning rate of the step',
  skipped_update: 'SFT: 1 when the update was skipped as non-finite',
  updates: 'GRPO: policy updates in the step (mini-batches times ppoEpochs)',
  skipped_updates: 'GRPO: updates skipped as non-finite',
  'reward/mean': 'mean reward of all rollouts of the step',
  'reward/std': 'population std of the rewards of all rollouts',
  'reward/null_fraction': 'fraction of rollouts whose reward did not apply (null)',
  'reward_kept/mean': 'mean reward of the groups kept by dynamic sampling',
  'reward_kept/std': 'population std of the rewards of the kept groups',
  'reward_kept/null_fraction': 'fraction of null rewards in the kept groups',
  kept_groups: 'groups trained on (after dynamic sampling)',
  generated_groups: 'groups sampled in all rounds',
  filter_rate: 'fraction of sampled groups that dynamic sampling dropped',
  batch_fill: 'kept groups over the batch size',
  sampling_rounds: 'dynamic sampling rounds of the step',
  surplus_groups: 'accepted groups beyond the batch size (not trained on)',
  batch_capped: '1 when dynamic sampling hit maxSamplingRounds before filling the batch',
  clip_fraction: 'fraction of completion tokens whose ratio was clipped',
  kl: 'mean k3 KL estimate to the frozen reference',
  entropy: 'mean entropy of completion tokens',
  'completion_length/mean': 'mean completion length in tokens',
  'completion_length/max': 'longest completion in tokens',
  finish_length_fraction: 'fraction of completions cut at maxTokens',
  tokens: 'SFT: completion tokens trained on',
  'tokens/generated': 'GRPO: completion tokens generated this step (every rollout, kept or filtered)',
  'tokens/trained': "tokens through the forward and backward pass this step (a group's shared prompt once, plus every completion)",
  'tokens/stage_total': "the stage's tokens/generated + tokens/trained so far, this step included (what tokenBudget counts; kept across --resume)",
  'tokens/s': 'throughput: GRPO generated tokens per second of generation; SFT trained tokens per second',
  'time/generation': 'seconds spent generating rollouts',
  'time/scoring': 'seconds spent in the rewards',
  'time/update': 'seconds spent in policy updates',
  'memory/rss_peak': 'peak resident memory of the process so far, in bytes',
  'val/problems': 'problems in the validation run',
  epoch: 'epochs completed over the training instances',
} as const satisfies Record<string, string>;

/** A metric key of the fixed list. */
export type FixedMetricKey = keyof typeof METRIC_KEYS;
/** The statistics of one reward component, e.g. `reward/similarity/mean`. */
export type RewardComponentMetricKey = `reward/${string}/${'mean' | 'std' | 'null_fraction'}`;
/** The task's validation metric, e.g. `val/accuracy`. */
export type ValidationMetricKey = `val/${string}`;
export type MetricKey = FixedMetricKey | RewardComponentMetricKey | ValidationMetricKey;

/** One rollout shown beside the metrics (GRPO). */
export interface RolloutSample {
  prompt: string;
  reference: string;
  completion: string;
  reward: number | null;
}

/** What a trainer's step reports: numbers (null: not measured this step) by metric key, and a sample rollout. */
export type StepMetrics = { [K in MetricKey]?: number | null } & { sample?: RolloutSample };
