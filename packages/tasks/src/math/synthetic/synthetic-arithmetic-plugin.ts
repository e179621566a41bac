import { definePlugin, Type, type PluginOptions } from '@srl/core';
import { MATH_TASK_SCHEMA_PROPERTIES, createMathTaskParts, mathTaskReferences } from '../tasks/math-task-options';
import { SYNTHETIC_ARITHMETIC_PROPERTIES, SyntheticArithmeticTask } from './synthetic-arithmetic-task';

// The task's steps are numbered by construction: no decomposer option.
const { decomposer: _decomposer, ...mathTaskProperties } = MATH_TASK_SCHEMA_PROPERTIES;

export const syntheticArithmeticOptions = Type.Object({ ...SYNTHETIC_ARITHMETIC_PROPERTIES, ...mathTaskProperties }, { additionalProperties: false });
export type SyntheticArithmeticOptions = PluginOptions<typeof syntheticArithmeticOptions>;

export const syntheticArithmeticTaskPlugin = definePlugin({
  kind: 'task',
  name: 'math/synthetic-arithmetic',
  description:
    'Seeded multi-step arithmetic chains with numbered expert solutions; knobs: steps, digits, startDigits; fixed test/validation per difficulty, endless train',
  options: syntheticArithmeticOptions,
  references: mathTaskReferences,
  async create(options, deps) {
    const parts = await createMathTaskParts({ ...options, decomposer: undefined }, deps);
    return new SyntheticArithmeticTask(options, parts.builder, parts.evalMetric);
  },
});
