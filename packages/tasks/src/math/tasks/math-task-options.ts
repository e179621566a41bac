import {
  Default,
  PluginRefType,
  schemaDefaults,
  StringEnum,
  Type,
  type PluginDeps,
  type PluginOptions,
  type PluginRef,
  type PluginReference,
  type StepDecomposer,
  type TDefault,
  type TString,
} from '@srl/core';
import type { MathRowSpec } from '../load/math-row-spec';
import { MathInstanceBuilder } from '../instances/math-instance-builder';
import { MATH_INSTANCE_SCHEMA_PROPERTIES } from '../instances/math-instance-options';

/** Options every math task plugin accepts, declared once. */
export const MATH_TASK_SCHEMA_PROPERTIES = {
  ...MATH_INSTANCE_SCHEMA_PROPERTIES,
  /** Step decomposer plugin (`"gsm8k-lines"`, `"numbered"`, `"paragraphs"`, or `[name, options]`); none: no steps. */
  decomposer: Type.Optional(PluginRefType({ description: 'the step decomposer: a decomposer plugin reference' })),
  /** Reward plugin that scores the task's metric. */
  evalReward: Default(PluginRefType({ description: 'the reward that scores evaluation: a reward plugin reference' }), 'math-answer'),
};
const mathTaskSchema = Type.Object(MATH_TASK_SCHEMA_PROPERTIES);
export type MathTaskOptions = PluginOptions<typeof mathTaskSchema>;
export const MATH_TASK_DEFAULTS: MathTaskOptions = schemaDefaults(mathTaskSchema);

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

const field = (description?: string) => Type.String({ minLength: 1, ...(description ? { description } : {}) });

/** Options of a data file read by field names (jsonl-benchmark, s1K), as in `MathRowSpec`. */
export const FIELD_SPEC_SCHEMA_PROPERTIES = {
  /** The data file (JSONL, or Parquet by extension); relative to the recipe's folder. */
  path: field(),
  problemField: field(),
  answerField: Type.Optional(field()),
  answerExtraction: Default(StringEnum(['field', 'last-boxed', 'gsm8k']), 'field'),
  solutionField: Type.Optional(field()),
  idField: Type.Optional(field()),
};

/** A field-name property with a default (a task that knows its file's columns). */
export function defaultField(value: string): TDefault<TString> {
  return Default(field(), value);
}

/** The field spec of `FIELD_SPEC_SCHEMA_PROPERTIES`, taken from a task's options. */
export function fieldSpec(options: MathRowSpec): MathRowSpec {
  const { problemField, answerField, answerExtraction, solutionField, idField } = options;
  return { problemField, answerField, answerExtraction, solutionField, idField };
}
