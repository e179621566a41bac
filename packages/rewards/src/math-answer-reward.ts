/**
 * `math-answer`: the verifiable outcome reward of RLVR (SRL §3, the second stage after SRL):
 * 1 when the completion's final answer is equivalent to the gold answer, else 0; null when the
 * gold answer cannot be parsed (the sample does not apply). See math/verify-math-answer.ts.
 */
import { definePlugin, REWARD_SPEC_VERSION, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
import type { ExtractOptions } from './math/extract-answer';
import { verifyMathAnswer } from './math/verify-math-answer';

export interface MathAnswerOptions {
  /** Budget of one check in ms; a check that runs out scores 0 and sets the `timeout` component. */
  timeoutMs: number;
  /** Decimal places (and significant digits) compared when an answer is written with a decimal point. */
  precision: number;
  /** Relative tolerance for inexact values (roots, π, expressions at sample points). */
  tolerance: number;
  /** Variable names must match (false: f(x) matches f(y)). */
  strict: boolean;
  /** Accept a relation (`x > 2`) for a set gold (`(2, \infty)`). */
  allowSetRelationComparison: boolean;
  /** Where the completion's answer may be: anywhere (boxes, "answer is", formulas, numbers) or only in a box. */
  extractFrom: 'any' | 'last-boxed';
  /** How to read the reference: auto (bare answer or full solution), bare, or a solution to search. */
  goldFormat: 'auto' | 'bare' | 'extract';
  /** Read the gold from this metadata column instead of `reference` (e.g. "answer"). */
  referenceField: string | null;
}

const EXTRACT: Record<MathAnswerOptions['extractFrom'], ExtractOptions> = {
  any: {},
  'last-boxed': { boxedOnly: true },
};

/** Scores completions against gold answers; see {@link verifyMathAnswer}. */
export class MathAnswerReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'math-answer';

  constructor(private readonly options: MathAnswerOptions) {}

  private goldOf(input: RewardInput): string | null {
    const field = this.options.referenceField;
    const value = field === null ? input.reference : input.metadata?.[field];
    if (value === undefined || value === null) return null;
    const text = String(value);
    return text.trim() === '' ? null : text;
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    return inputs.map((input) => {
      const gold = this.goldOf(input);
      if (gold === null) return { reward: null, components: { extracted: null, correct: null, timeout: 0 } };
      const o = this.options;
      const result = verifyMathAnswer({
        prediction: input.completion,
        gold,
        goldFormat: o.goldFormat,
        timeoutMs: o.timeoutMs,
        precision: o.precision,
        tolerance: o.tolerance,
        strict: o.strict,
        allowSetRelationComparison: o.allowSetRelationComparison,
        extract: EXTRACT[o.extractFrom],
      });
      return {
        reward: result.reward,
        components: {
          extracted: result.prediction ? 1 : 0,
          correct: result.reward,
          timeout: result.status === 'timeout' ? 1 : 0,
        },
      };
    });
  }
}

export const mathAnswerPlugin = definePlugin<'reward', MathAnswerOptions>({
  kind: 'reward',
  name: 'math-answer',
  description: 'verifiable math reward: 1 when the final answer (\\boxed, #### x, "the answer is", last formula) equals the gold answer, else 0; null when the gold cannot be parsed',
  optionsSchema: {
    type: 'object',
    properties: {
      timeoutMs: { type: 'number', exclusiveMinimum: 0, description: 'budget of one check in ms' },
      precision: { type: 'integer', minimum: 0, maximum: 15, description: 'decimal places compared for decimal answers' },
      tolerance: { type: 'number', minimum: 0, maximum: 1, description: 'relative tolerance for inexact values' },
      strict: { type: 'boolean', description: 'variable names must match' },
      allowSetRelationComparison: { type: 'boolean', description: 'accept a relation (x > 2) for a set gold ((2, \\infty))' },
      extractFrom: { type: 'string', enum: ['any', 'last-boxed'], description: 'where the completion\'s answer may be' },
      goldFormat: { type: 'string', enum: ['auto', 'bare', 'extract'], description: 'how to read the reference' },
      referenceField: { type: ['string', 'null'], description: 'metadata column holding the gold (null: `reference`)' },
    },
    additionalProperties: false,
  },
  defaults: {
    timeoutMs: 2000,
    precision: 6,
    tolerance: 1e-9,
    strict: true,
    allowSetRelationComparison: false,
    extractFrom: 'any',
    goldFormat: 'auto',
    referenceField: null,
  },
  create: (options) => new MathAnswerReward(options),
});
