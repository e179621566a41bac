// SRL §5.1 / App. A: the math training set is s1K-1.1 (1,000 questions) with 60 held out for
// validation; steps come from DeepSeek-R1's final solutions rewritten into the numbered format.
import path from 'node:path';
import { Default, definePlugin, Type, type PluginOptions } from '@srl/core';
import { loadMathFile } from '../load/load-math-file';
import { MathTask } from './math-task';
import {
  MATH_TASK_SCHEMA_PROPERTIES,
  createMathTaskParts,
  mathTaskReferences,
  FIELD_SPEC_SCHEMA_PROPERTIES,
  fieldSpec,
  defaultField,
} from './math-task-options';
import { holdOut } from './hold-out';

/** s1K's options, declared once. */
export const s1kOptions = Type.Object(
  {
    ...FIELD_SPEC_SCHEMA_PROPERTIES,
    /** Local s1K-1.1 file (JSONL or Parquet, as downloaded from the hub); relative to the recipe's folder. */
    path: FIELD_SPEC_SCHEMA_PROPERTIES.path,
    problemField: defaultField('question'),
    /** The expert solution to split into steps (the numbered rewrite of App. A, or R1's `deepseek_attempt`). */
    solutionField: defaultField('deepseek_attempt'),
    /** Examples held out for validation (the paper: 60). */
    validationSize: Default(Type.Integer({ minimum: 0 }), 60),
    /** Seed of the held-out selection. */
    validationSeed: Default(Type.Integer(), 0),
    ...MATH_TASK_SCHEMA_PROPERTIES,
    decomposer: Default(MATH_TASK_SCHEMA_PROPERTIES.decomposer, 'numbered'),
  },
  { additionalProperties: false },
);
export type S1kOptions = PluginOptions<typeof s1kOptions>;

/**
 * s1K-1.1 from a local file. Splits: 'train' and 'validation' (`validationSize` rows picked by a
 * seeded hash of the problem text among all well-formed rows, before step decomposition, so the
 * split does not move with the decomposer or the file's row order). Default decomposer 'numbered':
 * R1's raw `deepseek_attempt` does not follow that format; point `solutionField` at the rewritten
 * solutions, or use the "paragraphs" decomposer.
 */
export const s1kTaskPlugin = definePlugin({
  kind: 'task',
  name: 'math/s1k',
  description: "s1K-1.1 (the SRL paper's math training set) from a local JSONL or Parquet file; 60 problems held out for validation",
  options: s1kOptions,
  references: mathTaskReferences,
  async create(options, deps) {
    const parts = await createMathTaskParts(options, deps);
    const file = path.resolve(deps.baseDir, options.path);
    const spec = fieldSpec(options);
    const split = (which: 'train' | 'validation') => (loadOptions: Parameters<typeof loadMathFile>[0]['options']) =>
      loadMathFile({
        file,
        spec,
        decomposer: parts.decomposer,
        idPrefix: 'row-',
        select: (rows) => holdOut(rows, { size: options.validationSize, seed: options.validationSeed })[which],
        options: loadOptions,
      });
    return new MathTask({
      name: 'math/s1k',
      splits: { train: split('train'), validation: split('validation') },
      builder: parts.builder,
      evalMetric: parts.evalMetric,
    });
  },
});
