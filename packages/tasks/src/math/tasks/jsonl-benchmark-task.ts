import { existsSync } from 'node:fs';
import path from 'node:path';
import { Default, definePlugin, Type, type PluginOptions } from '@srl/core';
import { loadMathFile } from '../load/load-math-file';
import { MathTask } from './math-task';
import { MATH_TASK_SCHEMA_PROPERTIES, createMathTaskParts, mathTaskReferences, FIELD_SPEC_SCHEMA_PROPERTIES, fieldSpec } from './math-task-options';

/** jsonl-benchmark's options, declared once. */
export const jsonlBenchmarkOptions = Type.Object(
  {
    ...FIELD_SPEC_SCHEMA_PROPERTIES,
    answerField: Type.String({ minLength: 1 }),
    /** Task name in reports and tables. Default: `jsonl-benchmark/<file name without extension>`. */
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** The one split this file provides. */
    split: Default(Type.String({ minLength: 1 }), 'test'),
    ...MATH_TASK_SCHEMA_PROPERTIES,
  },
  { additionalProperties: false },
);
export type JsonlBenchmarkOptions = PluginOptions<typeof jsonlBenchmarkOptions>;

/** A new benchmark from a data file and its field names alone: no code. */
export const jsonlBenchmarkTaskPlugin = definePlugin({
  kind: 'task',
  name: 'jsonl-benchmark',
  description: 'Any math benchmark in a JSONL (or Parquet) file, configured by field names and an answer extraction rule',
  options: jsonlBenchmarkOptions,
  references: mathTaskReferences,
  check: (options, context) => {
    const file = path.resolve(context.baseDir, options.path);
    return existsSync(file) ? [] : [`path: the data file ${file} does not exist (relative paths are read from the recipe's folder)`];
  },
  async create(options, deps) {
    const parts = await createMathTaskParts(options, deps);
    const file = path.resolve(deps.baseDir, options.path);
    const spec = fieldSpec(options);
    return new MathTask({
      name: options.name ?? `jsonl-benchmark/${path.basename(file).replace(/\.[^.]*$/, '')}`,
      splits: {
        [options.split]: (loadOptions) => loadMathFile({ file, spec, decomposer: parts.decomposer, idPrefix: `${options.split}-`, options: loadOptions }),
      },
      builder: parts.builder,
      evalMetric: parts.evalMetric,
    });
  },
});
