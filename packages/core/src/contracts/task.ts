import type { ServiceIdentifier } from 'inversify';
import type { ChatMessage } from './chat';
import type { PluginRef } from '../plugins/plugin-ref';
import type { Logger } from './logger';
import type { Policy } from './policy';
import type { EvalSummary, ProblemResult } from '../eval/evaluate-policy';

export const TASK_SPEC_VERSION = 1 as const;

/** One problem with its expert trajectory. */
export interface Example {
  id: string;
  problem: string;
  /** Gold final answer, when the task has one. */
  answer?: string;
  /** The full expert solution / trajectory text. */
  solution?: string;
  /** The expert trajectory split into steps (SRL §4.2). */
  steps?: string[];
  /** Optional step titles, parallel to `steps` (numbered-solution format). */
  stepTitles?: string[];
  metadata?: Record<string, unknown>;
}

export type InstanceKind = 'sft' | 'srl' | 'rlvr';

/** A training or evaluation instance: a prompt, and what the reward compares against. */
export interface Instance {
  id: string;
  exampleId: string;
  kind: InstanceKind;
  prompt: ChatMessage[];
  /** SFT: the completion to imitate. SRL: the expert step. RLVR: the gold answer. */
  reference: string;
  /** For step-wise instances: the 1-based step index and the number of steps. */
  step?: { index: number; count: number };
  metadata?: Record<string, unknown>;
}

export interface LoadOptions {
  limit?: number;
  /** Fail on the first malformed row instead of skipping and counting it. */
  strict?: boolean;
}

export interface LoadResult {
  examples: Example[];
  /** Rows skipped as malformed, with file and line. */
  skipped: { file: string; line: number; reason: string }[];
}

export interface Task {
  readonly specVersion: typeof TASK_SPEC_VERSION;
  readonly name: string;
  splits(): string[];
  load(split: string, options?: LoadOptions): Promise<LoadResult>;
  instances(example: Example, kind: InstanceKind): Instance[];
  /** The metric `srl eval` and validation report, and the reward that scores it. */
  readonly evalMetric: { name: string; reward: PluginRef };
  /**
   * Tasks whose evaluation is more than one completion per problem (SWE: an agent episode in a
   * sandbox, scored by its tests) run it themselves; `srl eval` calls this instead of the
   * one-completion harness when it is present.
   */
  evaluate?(input: TaskEvaluateInput): Promise<{ summary: EvalSummary; results: ProblemResult[] }>;
  /** Releases what the task holds (sandboxes, file handles); the runner calls it when the stage ends. */
  dispose?(): void | Promise<void>;
}

export interface TaskEvaluateInput {
  policy: Policy;
  split: string;
  limit?: number;
  temperature: number;
  /** Most tokens of one generation. */
  maxTokens: number;
  /** Where the task may write what it produced (SWE: the agents' trajectories, as JSONL). */
  outDir: string;
  logger?: Logger;
  signal?: AbortSignal;
}
export const Task: ServiceIdentifier<Task> = Symbol.for('@srl/core/Task');

/** Splits an expert solution into steps. Returns null when the solution does not conform. */
export interface StepDecomposer {
  readonly specVersion: 1;
  readonly name: string;
  split(solution: string): { steps: string[]; titles?: string[]; answer?: string } | null;
}
export const StepDecomposer: ServiceIdentifier<StepDecomposer> = Symbol.for('@srl/core/StepDecomposer');
