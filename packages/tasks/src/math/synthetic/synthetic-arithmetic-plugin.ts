import { definePlugin } from '@srl/core';
import { MATH_TASK_DEFAULTS, MATH_TASK_SCHEMA_PROPERTIES, createMathTaskParts, type MathTaskOptions, mathTaskReferences } from '../tasks/math-task-options';
import { SyntheticArithmeticTask, type SyntheticArithmeticConfig } from './synthetic-arithmetic-task';

export type SyntheticArithmeticOptions = Omit<MathTaskOptions, 'decomposer'> & SyntheticArithmeticConfig;

export const syntheticArithmeticTaskPlugin = definePlugin<'task', SyntheticArithmeticOptions>({
  kind: 'task',
  name: 'math/synthetic-arithmetic',
  description: 'Seeded multi-step arithmetic chains with numbered expert solutions; knobs: steps, digits, startDigits; fixed test/validation per difficulty, endless train',
  optionsSchema: {
    type: 'object',
    properties: {
      steps: { type: 'integer', minimum: 1, maximum: 64 },
      digits: { type: 'integer', minimum: 1, maximum: 12 },
      startDigits: { type: 'integer', minimum: 1, maximum: 12, description: 'digits of the start value (default: digits)' },
      operations: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['add', 'subtract', 'multiply', 'divide'] } },
      allowNegative: { type: 'boolean' },
      finalAnswerStep: { type: 'boolean' },
      seed: { type: 'integer' },
      heldOutSeed: { type: 'integer' },
      testSize: { type: 'integer', minimum: 0 },
      validationSize: { type: 'integer', minimum: 0 },
      trainSize: { type: 'integer', minimum: 0 },
      ...Object.fromEntries(Object.entries(MATH_TASK_SCHEMA_PROPERTIES).filter(([k]) => k !== 'decomposer')),
    },
    additionalProperties: false,
  },
  defaults: {
    ...MATH_TASK_DEFAULTS,
    steps: 3,
    digits: 1,
    operations: ['add', 'subtract', 'multiply', 'divide'],
    allowNegative: false,
    finalAnswerStep: true,
    seed: 0,
    heldOutSeed: 20251030,
    testSize: 200,
    validationSize: 100,
    trainSize: 10000,
  },
  references: mathTaskReferences,
  async create(options, deps) {
    const parts = await createMathTaskParts({ ...options, decomposer: undefined }, deps);
    return new SyntheticArithmeticTask(options, parts.builder, parts.evalMetric);
  },
});
