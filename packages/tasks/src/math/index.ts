/** Math tasks: step decomposition, instance builders, GSM8K and the benchmarks, s1K, jsonl-benchmark, synthetic arithmetic. */
export { SRL_MATH_SYSTEM_PROMPT, MATH_EVAL_SYSTEM_PROMPT } from './prompts';
export { cleanAnswer } from './answers/clean-answer';
// The boxed-answer rule lives in @srl/core (shared with the math rewards); re-exported for existing imports.
export { lastBoxed } from '@srl/core';
export { Gsm8kLinesDecomposer, type Gsm8kLinesOptions } from './decompose/gsm8k-lines-decomposer';
export { NumberedDecomposer, stepBody, type NumberedOptions } from './decompose/numbered-decomposer';
export { ParagraphDecomposer } from './decompose/paragraph-decomposer';
export { decomposerPlugins, gsm8kLinesDecomposerPlugin, numberedDecomposerPlugin, paragraphDecomposerPlugin } from './decompose/decomposer-plugins';
export { formatStepContext, renderNumberedSteps, type StepContext } from './instances/format-step-context';
export { buildEvalPrompt } from './instances/build-eval-prompt';
export { buildStepInstances, type StepInstanceOptions } from './instances/build-step-instances';
export { buildWholeSolutionInstance, type WholeSolutionOptions } from './instances/build-whole-solution-instance';
export { MathInstanceBuilder } from './instances/math-instance-builder';
export { MATH_INSTANCE_DEFAULTS, type MathInstanceOptions } from './instances/math-instance-options';
export { parseMathRow, gsm8kAnswer, type MathRow, type MathRowSpec } from './load/math-row-spec';
export { loadMathFile, type LoadMathFileInput } from './load/load-math-file';
export { MathTask, type MathTaskConfig, type SplitLoader } from './tasks/math-task';
export { MATH_TASK_DEFAULTS, type MathTaskOptions } from './tasks/math-task-options';
export { SHARED_DATA_TASKS, MATH_BENCHMARK_TASKS, createSharedDataTask, type SharedDataTaskSpec, type SharedDataTaskOptions } from './tasks/shared-data-tasks';
export { jsonlBenchmarkTaskPlugin, type JsonlBenchmarkOptions } from './tasks/jsonl-benchmark-task';
export { s1kTaskPlugin, type S1kOptions } from './tasks/s1k-task';
export { holdOut } from './tasks/hold-out';
export { Prng } from './synthetic/prng';
// FNV-1a lives in @srl/core (the math rewards use it too); re-exported for existing imports.
export { hashString } from '@srl/core';
export { generateArithmeticChain, type ArithmeticChain, type ArithmeticChainOptions, type ArithmeticOp } from './synthetic/arithmetic-chain';
export { SyntheticArithmeticTask, type SyntheticArithmeticConfig } from './synthetic/synthetic-arithmetic-task';
export { syntheticArithmeticTaskPlugin, type SyntheticArithmeticOptions } from './synthetic/synthetic-arithmetic-plugin';
export { mathTaskPlugins } from './task-plugins';
export { REWRITE_SYSTEM_PROMPT, rewritePrompt } from './rewrite/rewrite-prompt';
export { checkRewrite, type RewriteCheck } from './rewrite/check-rewrite';
