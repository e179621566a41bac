import type { ServiceIdentifier } from 'inversify';
import type { Prompt } from './chat';

export const POLICY_SPEC_VERSION = 1 as const;

/** Sampling parameters of one `generate` call. */
export interface SamplingParams {
  /** Samples per prompt; the samples of one prompt share one prefill. Default 1. */
  n?: number;
  /** 0 means greedy. Default 1. */
  temperature?: number;
  /** Nucleus sampling mass, (0, 1]. Default 1 (off). */
  topP?: number;
  /** Keep the k most likely tokens; 0 = off. */
  topK?: number;
  /** Maximum new tokens per sample. */
  maxTokens: number;
  /** Generation stops after any of these strings; the stop string is kept out of `text`. */
  stop?: string[];
  /** Seed for reproducible sampling. */
  seed?: number;
}

export type FinishReason = 'stop' | 'eos' | 'length';

export interface Sample {
  text: string;
  tokenIds: number[];
  /**
   * Log-probability of each sampled token under softmax(logits / T), T the sampling temperature (T = 1 when
   * greedy), before top-k/top-p truncation: what `TrainablePolicy.score(…, { temperature: T })` returns for it.
   */
  logprobs: number[];
  finishReason: FinishReason;
}

export interface Generation {
  /** The prompt as the model saw it, after chat formatting. */
  promptText: string;
  promptTokenIds: number[];
  samples: Sample[];
}

/**
 * A prompt the policy has already formatted (`formatPrompt`) and tokenized (`TrainablePolicy.tokenize`), as
 * trainers hold their instances: `generate` samples from `tokenIds` as given (no second tokenization) and
 * reports `text` as the prompt text. A policy without a tokenizer here (a remote server) sends `text`.
 */
export interface TokenizedPrompt {
  text: string;
  tokenIds: number[];
}

/** What `generate` takes: a prompt to format, or one already formatted and tokenized. */
export type PolicyPrompt = Prompt | TokenizedPrompt;

/** True for a {@link TokenizedPrompt} (a plain object; a `Prompt` is a string or an array of messages). */
export function isTokenizedPrompt(prompt: PolicyPrompt): prompt is TokenizedPrompt {
  return typeof prompt === 'object' && !Array.isArray(prompt);
}

/** Anything that writes completions: an in-process model, or an OpenAI-compatible server. */
export interface Policy {
  readonly specVersion: typeof POLICY_SPEC_VERSION;
  readonly name: string;
  /** One `Generation` per prompt, each with `params.n` samples. */
  generate(prompts: PolicyPrompt[], params: SamplingParams): Promise<Generation[]>;
  /** Formats a prompt into the text the model sees (chat template), without generating. */
  formatPrompt(prompt: Prompt): string;
  /** Tokens the model can attend to (prompt plus completion), where known: longer prompts are skipped and counted. */
  readonly contextLength?: number;
  dispose(): void | Promise<void>;
}
export const Policy: ServiceIdentifier<Policy> = Symbol.for('@srl/core/Policy');

/** One completion to score or train on: the prompt is masked, only completion tokens count. */
export interface ScoredSequence {
  promptTokenIds: number[];
  completionTokenIds: number[];
}

export interface ScoreOptions {
  /** Score under softmax(logits / temperature), the sampling distribution at that temperature. Default 1; 0 means 1. */
  temperature?: number;
}

export interface SequenceScores {
  /** log p(token) for each completion token, under the current weights. */
  logprobs: number[];
  /** Entropy of the next-token distribution at each completion position. */
  entropies: number[];
}

/**
 * A declarative loss: trainers (tensor-free) describe the objective, the policy computes it with
 * its own tensors. SRL §3 / GRPO: clipped surrogate; SFT: masked cross-entropy.
 */
export type TrainingObjective =
  | { kind: 'cross-entropy' }
  | {
      kind: 'clipped-policy-gradient';
      clipLow: number;
      clipHigh: number;
      /** KL coefficient to the reference log-probs (k3 estimator); 0 disables it. */
      klBeta: number;
      /** token-mean: mean over all completion tokens of the batch; sequence-mean: mean per sequence, then over sequences. */
      aggregation: 'token-mean' | 'sequence-mean';
      /**
       * Multiply each token's k3 KL by the ratio exp(logp − old), gradient flowing through both (TRL's
       * `use_bias_correction_kl`, DeepSeek-V3.2). Default false: plain k3, as TRL's default and the GRPO paper.
       */
      klRatioCorrection?: boolean;
      /**
       * Sampling temperature T of the rollouts: log-probs are computed from logits / T, as TRL and verl do, so the
       * ratio is exactly 1 on the weights that sampled (the `oldLogprobs` are `Sample.logprobs` at the same T).
       * Default 1; 0 (greedy sampling) means 1.
       */
      temperature?: number;
    };

export interface TrainingItem extends ScoredSequence {
  /** Policy-gradient items: the sequence's advantage. */
  advantage?: number;
  /** Policy-gradient items: log-probs under the policy that sampled them (for the ratio). */
  oldLogprobs?: number[];
  /** With klBeta > 0: log-probs under the frozen reference. */
  refLogprobs?: number[];
  /** Optional per-token weights (1 = counted); defaults to all ones. */
  weights?: number[];
}

export interface TrainStepInput {
  objective: TrainingObjective;
  items: TrainingItem[];
  learningRate: number;
  /** Clip the global gradient norm to this; 0 or undefined = no clipping. */
  maxGradNorm?: number;
  /** Split the items into micro-batches of at most this many sequences (gradient accumulation). */
  microBatchSize?: number;
  /**
   * A stop request (SIGINT, SIGTERM). A policy whose step takes long should check it between its parts
   * (micro-batches) and, once aborted, abandon the step before the update, leaving weights and optimizer
   * state as they were, and throw `SrlError` kind 'aborted'. A policy may also ignore it (the trainer stops at
   * the next step boundary).
   */
  signal?: AbortSignal;
}

export interface TrainStepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** True when the loss or gradient was not finite: the update was skipped. */
  skipped: boolean;
  tokens: number;
  /** Policy-gradient objectives: fraction of tokens whose ratio was clipped. */
  clipFraction?: number;
  /** Mean k3 KL estimate to the reference (when refLogprobs are given). */
  kl?: number;
  /** Mean entropy of completion tokens. */
  entropy?: number;
}

/**
 * What building training instances needs of a policy: its prompt format (chat template), tokenizer and context
 * length. A `TrainablePolicy` is one; a policy plugin's `promptEncoder` hook gives one without creating weights.
 */
export type PromptEncoder = Pick<TrainablePolicy, 'formatPrompt' | 'tokenize' | 'contextLength'>;

/** A policy with weights srl can train here. */
export interface TrainablePolicy extends Policy {
  readonly trainable: true;
  /** Token appended to SFT targets so the model learns to stop; null if the tokenizer has none. */
  readonly eosTokenId: number | null;
  /** Tokenizes a formatted prompt and a completion the way `generate` would. */
  tokenize(text: string): number[];
  detokenize(ids: number[]): string;
  /** Log-probs and entropies under softmax(logits / temperature) (default temperature 1; 0 means 1). */
  score(sequences: ScoredSequence[], options?: ScoreOptions): Promise<SequenceScores[]>;
  /** One optimizer update on `input.items`; with an aborted `input.signal` it may throw `SrlError` kind 'aborted' having changed nothing. */
  trainStep(input: TrainStepInput): Promise<TrainStepResult>;
  /** Writes weights, tokenizer, config and optimizer state to `dir` (atomically). */
  save(dir: string): Promise<void>;
  /** Loads weights (and optimizer state when present) from `dir`. */
  load(dir: string): Promise<void>;
  /**
   * The weights saved in `dir`, loaded for scoring only (the KL reference): no optimizer state is read or
   * allocated, and the copy cannot be trained. The caller disposes it. Optional: where absent, the runner
   * makes the reference from a second instance of the policy plugin (with its optimizer).
   */
  loadFrozen?(dir: string): Promise<FrozenPolicy>;
  /** Forgets optimizer state (moments, step count): a new stage starts its optimizer afresh. */
  resetOptimizer(): void;
  /** State of the policy's random generator, so a resumed run samples the same. */
  rngState(): unknown;
  setRngState(state: unknown): void;
}

/** A policy's weights frozen for scoring (the KL reference of GRPO): what `TrainablePolicy.loadFrozen` returns. */
export interface FrozenPolicy {
  /** As {@link TrainablePolicy.score}, under the frozen weights. */
  score(sequences: ScoredSequence[], options?: ScoreOptions): Promise<SequenceScores[]>;
  dispose(): void | Promise<void>;
}

export function isTrainablePolicy(policy: Policy): policy is TrainablePolicy {
  return (policy as Partial<TrainablePolicy>).trainable === true;
}
