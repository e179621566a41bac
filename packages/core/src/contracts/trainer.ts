import type { ServiceIdentifier } from 'inversify';
import type { CheckpointInfo, CheckpointStore, TrainerState } from './checkpoint-store';
import type { PluginRef } from '../plugins/plugin-ref';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { FrozenPolicy, PromptEncoder, TrainablePolicy } from './policy';
import type { RewardModel } from './reward-model';
import type { Instance, InstanceKind, Task } from './task';

export const TRAINER_SPEC_VERSION = 1 as const;

export interface TrainerContext {
  policy: TrainablePolicy;
  task: Task;
  /** The stage's rewards, already composed into one (weighted) model. */
  rewards: RewardModel;
  logger: Logger;
  checkpoints: CheckpointStore;
  /** Aborted on SIGINT/SIGTERM: the trainer saves and returns. */
  signal: AbortSignal;
  /** Where the trainer's durations (`time/*`, `tokens/s`) come from. Default: the system clock. */
  clock?: Clock;
  seed: number;
  stage: number;
  outDir: string;
  /** Stop after this many optimizer steps (CLI `--max-steps`). */
  maxSteps?: number;
  /** State to resume from, when `--resume` found a checkpoint of this stage. */
  resumeFrom?: TrainerState;
  /**
   * The task's evaluation metric (e.g. math accuracy with `math-answer`) of the current policy on a
   * held-out split, greedy. Null when the task has no such split. Used for best-checkpoint selection.
   */
  validate?: (options: ValidationOptions) => Promise<ValidationResult | null>;
  /**
   * A frozen copy of the policy as it was when the stage started (the KL reference), for scoring only: no
   * optimizer state. The caller disposes it. Absent where the runner cannot make one.
   */
  createReference?: () => Promise<FrozenPolicy>;
  /** Records what loading a split left out (run.json `data`); trainers pass it on as `instances({ report })`. */
  reportInstances?: (report: InstanceReport) => Promise<void>;
}

export interface ValidationOptions {
  split: string;
  limit?: number;
  maxTokens: number;
}

export interface ValidationResult {
  metric: string;
  value: number;
  problems: number;
}

export interface StageResult {
  steps: number;
  /** The stage's full length; `steps` is smaller when --max-steps stopped it (resumable). */
  totalSteps?: number;
  /** Set only when the stage ran its full length. */
  final: CheckpointInfo | null;
  /** The last resumable checkpoint (where a stage stopped by --max-steps ended). */
  latest?: CheckpointInfo | null;
  best: CheckpointInfo | null;
  interrupted: boolean;
  metrics: Record<string, number>;
  /**
   * Why the stage ended: `steps` (ran its full length), `token-budget` (its tokenBudget was reached: complete),
   * `max-steps` (--max-steps cut it short: resumable) or `interrupted` (a stop request: resumable).
   */
  stopReason?: StageStopReason;
  /** The stage's tokens/generated + tokens/trained over all its steps (resumed runs included). */
  tokensSpent?: number;
}

export type StageStopReason = 'steps' | 'token-budget' | 'max-steps' | 'interrupted';

/** One instance as a trainer trains on it: the prompt it formats and tokenizes, and its target. */
export interface TrainingInstance {
  instance: Instance;
  /** The prompt after the policy's chat template. */
  promptText: string;
  promptTokenIds: number[];
  /** What the trainer imitates (SFT: the rendered completion) or rewards against (GRPO: the reference). */
  target: string;
}

export interface TrainerInstancesInput {
  task: Task;
  /** The stage's policy, or a weightless `PromptEncoder` (what `srl validate` measures prompts with). */
  policy: PromptEncoder;
  logger: Logger;
  /** Told, once per split loaded, what was loaded and left out (before an error for a split left empty). */
  report?: (report: InstanceReport) => void | Promise<void>;
  /** Read this split instead of the trainer's own. */
  split?: string;
  /** Build instances of this kind instead of the trainer's own. */
  kind?: InstanceKind;
}

/** What loading one split of a stage's data gave, and what it left out and why. */
export interface InstanceReport {
  split: string;
  kind: InstanceKind;
  /** Examples loaded (after the trainer's `limit`) and instances kept from them. */
  examples: number;
  instances: number;
  /** Left out, by reason: `malformed` (rows the task could not read), `prompt-too-long`. */
  skipped: Record<string, number>;
  /** The first few left out: `file:line reason` for a row, `instance <id>: N prompt tokens` for a prompt. */
  skippedFirst: string[];
  /** Tokens of the longest prompt (kept or not); the prompt limit and what set it. */
  longestPrompt: number;
  promptLimit: { tokens: number; by: 'maxPromptTokens' | 'maxPositions' };
}

/** Runs one stage of a recipe (SFT, SRL, RLVR, ...). */
export interface Trainer {
  readonly specVersion: typeof TRAINER_SPEC_VERSION;
  readonly name: string;
  /** The reward the stage trains with when the recipe names none (GRPO presets: `step-similarity`, `math-answer`). */
  readonly defaultReward?: PluginRef;
  run(context: TrainerContext): Promise<StageResult>;
  /**
   * The instances `run` trains on, by the same code path (used by `srl data instances` and
   * `srl export`). Optional: a trainer without it cannot be exported.
   */
  instances?(input: TrainerInstancesInput): Promise<TrainingInstance[]>;
}
export const Trainer: ServiceIdentifier<Trainer> = Symbol.for('@srl/core/Trainer');
