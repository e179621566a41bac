import type { PluginRef } from '../plugins/plugin-ref';

/** A reward with its weight in the stage's weighted sum. */
export interface RewardEntry {
  reward: PluginRef;
  weight: number;
  /** A batch that has not answered after this many seconds fails the step (default 300). */
  timeoutSeconds?: number;
  /** Where it was written in the recipe, for error messages. */
  path: string;
}

export interface StageSpec {
  name: string;
  trainer: PluginRef;
  task: PluginRef;
  rewards: RewardEntry[];
  from: 'final' | 'best';
  path: string;
}

/** A benchmark of an eval section: its task and a unique, path-safe name for its result files. */
export interface BenchmarkSpec {
  name: string;
  task: PluginRef;
  path: string;
}

export interface EvalSpec {
  benchmarks: BenchmarkSpec[];
  split: string;
  greedy: boolean;
  samples: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  limit?: number;
  batchSize: number;
}

/** A validated recipe, shorthands expanded, defaults applied, plugin options filled in. */
export interface Recipe {
  name: string;
  description?: string;
  /** Absolute path of the recipe file. */
  file: string;
  plugins: string[];
  seed: number;
  output: string;
  policy: PluginRef;
  /** Default task of the stages. */
  task?: PluginRef;
  rewards: RewardEntry[];
  stages: StageSpec[];
  eval?: EvalSpec;
  /** `--set path=value` overrides applied on top of the file, in order. */
  overrides?: string[];
}
