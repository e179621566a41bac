import { pluginRefSchema, type PluginDeps, type PluginRef, type PluginReference, type StepDecomposer } from '@srl/core';
import type { MathRowSpec } from '../load/math-row-spec';
import { MathInstanceBuilder } from '../instances/math-instance-builder';
import { MATH_INSTANCE_DEFAULTS, MATH_INSTANCE_SCHEMA_PROPERTIES, type MathInstanceOptions } from '../instances/math-instance-options';

/** Options every math task plugin accepts. */
export interface MathTaskOptions extends MathInstanceOptions {
  /** Step decomposer plugin (`"gsm8k-lines"`, `"numbered"`, `"paragraphs"`, or `[name, options]`); none: no steps. */
  decomposer?: PluginRef;
  /** Reward plugin that scores the task's metric. Default "math-answer". */
  evalReward: PluginRef;
}

export const MATH_TASK_DEFAULTS: MathTaskOptions = { ...MATH_INSTANCE_DEFAULTS, evalReward: 'math-answer' };

export const MATH_TASK_SCHEMA_PROPERTIES = {
  ...MATH_INSTANCE_SCHEMA_PROPERTIES,
  decomposer: { ...pluginRefSchema, description: 'the step decomposer: a decomposer plugin reference' },
  evalReward: { ...pluginRefSchema, description: 'the reward that scores evaluation: a reward plugin reference' },
} as const;

/** What a math task plugin builds from its common options. */
export interface MathTaskParts {
  builder: MathInstanceBuilder;
  decomposer?: StepDecomposer;
  evalMetric: { name: string; reward: PluginRef };
}

export async function createMathTaskParts(options: MathTaskOptions, deps: Pick<PluginDeps, 'create'>): Promise<MathTaskParts> {
  const decomposer = options.decomposer === undefined ? undefined : await deps.create('decomposer', options.decomposer, 'decomposer');
  const builder = new MathInstanceBuilder({
    systemPrompt: options.systemPrompt,
    evalSystemPrompt: options.evalSystemPrompt,
    stepTitleInPrompt: options.stepTitleInPrompt,
    targetNumbering: options.targetNumbering,
    sftMode: options.sftMode,
    sftTarget: options.sftTarget,
    srlMode: options.srlMode,
  });
  return { builder, decomposer, evalMetric: { name: 'accuracy', reward: options.evalReward } };
}

/** The plugins a math task's options name (its decomposer and metric reward), for recipe validation. */
export function mathTaskReferences(options: Pick<MathTaskOptions, 'decomposer' | 'evalReward'>): PluginReference[] {
  return [
    ...(options.decomposer === undefined ? [] : [{ kind: 'decomposer' as const, ref: options.decomposer, path: 'decomposer' }]),
    { kind: 'reward', ref: options.evalReward, path: 'evalReward' },
  ];
}

/** JSON Schema properties of a data file read by field names (jsonl-benchmark, s1K). */
export const FIELD_SPEC_SCHEMA_PROPERTIES = {
  path: { type: 'string', minLength: 1 },
  problemField: { type: 'string', minLength: 1 },
  answerField: { type: 'string', minLength: 1 },
  answerExtraction: { type: 'string', enum: ['field', 'last-boxed', 'gsm8k'] },
  solutionField: { type: 'string', minLength: 1 },
  idField: { type: 'string', minLength: 1 },
} as const;

/** The field spec of `FIELD_SPEC_SCHEMA_PROPERTIES`, taken from a task's options. */
export function fieldSpec(options: MathRowSpec): MathRowSpec {
  const { problemField, answerField, answerExtraction, solutionField, idField } = options;
  return { problemField, answerField, answerExtraction, solutionField, idField };
}
