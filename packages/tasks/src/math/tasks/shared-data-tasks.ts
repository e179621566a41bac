import path from 'node:path';
import { Type, type LoadOptions, type PluginDeps, type PluginOptions } from '@srl/core';
import { resolveDataDir } from '../../data/resolve-data-dir';
import { loadMathFile } from '../load/load-math-file';
import type { MathRowSpec } from '../load/math-row-spec';
import { MathTask } from './math-task';
import { createMathTaskParts, MATH_TASK_SCHEMA_PROPERTIES } from './math-task-options';

/** A benchmark or dataset in the shared data folder: where its split files are and how to read them. */
export interface SharedDataTaskSpec {
  name: string;
  description: string;
  /** Split name → file path relative to the data folder. */
  files: Record<string, string>;
  spec: MathRowSpec;
  /** Rows each split has in the shared data snapshot (checked by the tests). */
  expectedRows: Record<string, number>;
  /** Step decomposer used unless the options name one. */
  defaultDecomposer?: string;
}

/** Tasks read from `shared/data` (GSM8K and the evaluation benchmarks of SRL §5.1). */
export const SHARED_DATA_TASKS: SharedDataTaskSpec[] = [
  {
    name: 'math/gsm8k',
    description: 'GSM8K (openai/grade-school-math): train 7,473 / test 1,319; steps = solution lines, answer = "#### x"',
    files: { train: 'gsm8k/train.jsonl', test: 'gsm8k/test.jsonl' },
    spec: { problemField: 'question', solutionField: 'answer', answerField: 'answer', answerExtraction: 'gsm8k' },
    expectedRows: { train: 7473, test: 1319 },
    defaultDecomposer: 'gsm8k-lines',
  },
  {
    name: 'math/math500',
    description: "MATH500 (OpenAI's PRM800K test split), 500 problems",
    files: { test: 'benchmarks/math500/test.jsonl' },
    spec: { problemField: 'problem', solutionField: 'solution', answerField: 'answer', answerExtraction: 'field', idField: 'unique_id' },
    expectedRows: { test: 500 },
  },
  {
    name: 'math/aime24',
    description: 'AIME 2024, 30 problems (integer answers, leading zeros dropped)',
    files: { test: 'benchmarks/aime24/test.jsonl' },
    spec: { problemField: 'problem', solutionField: 'solution', answerField: 'answer', answerExtraction: 'field', idField: 'id' },
    expectedRows: { test: 30 },
  },
  {
    name: 'math/amc23',
    description: 'AMC 2023, 40 problems (float answers such as 27.0 normalised to "27")',
    files: { test: 'benchmarks/amc23/test.jsonl' },
    spec: { problemField: 'problem', answerField: 'answer', answerExtraction: 'field', idField: 'id' },
    expectedRows: { test: 40 },
  },
  {
    name: 'math/minerva',
    description: 'Minerva Math, 272 problems; gold answer = last \\boxed{} of the solution',
    files: { test: 'benchmarks/minerva_math/test.jsonl' },
    spec: { problemField: 'problem', solutionField: 'solution', answerField: 'solution', answerExtraction: 'last-boxed', idField: 'idx' },
    expectedRows: { test: 272 },
  },
];

/** Names of the math benchmark tasks and the split each is evaluated on. */
export const MATH_BENCHMARK_TASKS: { task: string; split: string }[] = [
  { task: 'math/gsm8k', split: 'test' },
  { task: 'math/math500', split: 'test' },
  { task: 'math/aime24', split: 'test' },
  { task: 'math/amc23', split: 'test' },
  { task: 'math/minerva', split: 'test' },
];

/** The options of every shared-data math task, declared once. */
export const sharedDataTaskOptions = Type.Object(
  {
    /** The shared data folder; default `$SRL_DATA_DIR`, else `shared/data` found above the package or cwd. */
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
    ...MATH_TASK_SCHEMA_PROPERTIES,
  },
  { additionalProperties: false },
);
export type SharedDataTaskOptions = PluginOptions<typeof sharedDataTaskOptions>;

/** Creates the task of a spec; the data folder is found when a split is first loaded. */
export async function createSharedDataTask(
  spec: SharedDataTaskSpec,
  options: SharedDataTaskOptions,
  deps: Pick<PluginDeps, 'create' | 'baseDir'>,
): Promise<MathTask> {
  const parts = await createMathTaskParts(options, deps);
  const splits = Object.fromEntries(
    Object.entries(spec.files).map(([split, relative]) => [
      split,
      (loadOptions: LoadOptions) =>
        loadMathFile({
          file: path.join(resolveDataDir({ dataDir: options.dataDir, baseDir: deps.baseDir }), relative),
          spec: spec.spec,
          decomposer: parts.decomposer,
          idPrefix: `${split}-`,
          options: loadOptions,
        }),
    ]),
  );
  return new MathTask({ name: spec.name, splits, builder: parts.builder, evalMetric: parts.evalMetric });
}
