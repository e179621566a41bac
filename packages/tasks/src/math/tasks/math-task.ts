import {
  SrlError,
  TASK_SPEC_VERSION,
  type ChatMessage,
  type Example,
  type Instance,
  type InstanceKind,
  type LoadOptions,
  type LoadResult,
  type PluginRef,
  type Task,
} from '@srl/core';
import type { MathInstanceBuilder } from '../instances/math-instance-builder';

export type SplitLoader = (options: LoadOptions) => Promise<LoadResult>;

export interface MathTaskConfig {
  name: string;
  /** Split name → loader. */
  splits: Record<string, SplitLoader>;
  builder: MathInstanceBuilder;
  /** Metric name (e.g. 'accuracy') and the reward plugin that scores it (e.g. 'math-answer'). */
  evalMetric: { name: string; reward: PluginRef };
}

/** A math task over files: splits loaded on demand, instances built by a `MathInstanceBuilder`. */
export class MathTask implements Task {
  readonly specVersion = TASK_SPEC_VERSION;
  readonly name: string;
  readonly evalMetric: { name: string; reward: PluginRef };
  private readonly config: MathTaskConfig;

  constructor(config: MathTaskConfig) {
    this.config = config;
    this.name = config.name;
    this.evalMetric = config.evalMetric;
  }

  splits(): string[] {
    return Object.keys(this.config.splits);
  }

  async load(split: string, options: LoadOptions = {}): Promise<LoadResult> {
    const loader = this.config.splits[split];
    if (!loader) {
      throw new SrlError('validation', `task "${this.name}" has no split "${split}"; its splits are: ${this.splits().join(', ')}`);
    }
    return loader(options);
  }

  instances(example: Example, kind: InstanceKind): Instance[] {
    return this.config.builder.build(example, kind);
  }

  /** The whole-solution evaluation prompt of an example (the paper's evaluation system prompt unless overridden). */
  evalPrompt(example: Example): ChatMessage[] {
    return this.config.builder.evalPrompt(example);
  }
}
