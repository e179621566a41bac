import { existsSync } from 'node:fs';
import path from 'node:path';
import { definePlugin } from '@srl/core';
import { loadMathFile } from '../load/load-math-file';
import { MathTask } from './math-task';
import { MATH_TASK_DEFAULTS, MATH_TASK_SCHEMA_PROPERTIES, createMathTaskParts, type MathTaskOptions, mathTaskReferences, FIELD_SPEC_SCHEMA_PROPERTIES, fieldSpec } from './math-task-options';

export interface JsonlBenchmarkOptions extends MathTaskOptions {
  /** The data file (JSONL, or Parquet by extension); relative to the recipe's folder. */
  path: string;
  /** Task name in reports and tables. Default: `jsonl-benchmark/<file name without extension>`. */
  name?: string;
  /** The one split this file provides. Default "test". */
  split: string;
  problemField: string;
  answerField: string;
  answerExtraction: 'field' | 'last-boxed' | 'gsm8k';
  solutionField?: string;
  idField?: string;
}

/** A new benchmark from a data file and its field names alone: no code. */
export const jsonlBenchmarkTaskPlugin = definePlugin<'task', JsonlBenchmarkOptions>({
  kind: 'task',
  name: 'jsonl-benchmark',
  description: 'Any math benchmark in a JSONL (or Parquet) file, configured by field names and an answer extraction rule',
  optionsSchema: {
    type: 'object',
    properties: {
      ...FIELD_SPEC_SCHEMA_PROPERTIES,
      name: { type: 'string', minLength: 1 },
      split: { type: 'string', minLength: 1 },
      ...MATH_TASK_SCHEMA_PROPERTIES,
    },
    required: ['path', 'problemField', 'answerField'],
    additionalProperties: false,
  },
  defaults: { ...MATH_TASK_DEFAULTS, split: 'test', answerExtraction: 'field' },
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
      splits: { [options.split]: (loadOptions) => loadMathFile({ file, spec, decomposer: parts.decomposer, idPrefix: `${options.split}-`, options: loadOptions }) },
      builder: parts.builder,
      evalMetric: parts.evalMetric,
    });
  },
});
