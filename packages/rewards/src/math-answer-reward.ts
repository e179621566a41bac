/**
 * `math-answer`: the verifiable outcome reward of RLVR (SRL §3, the second stage after SRL):
 * 1 when the completion's final answer is equivalent to the gold answer, else 0; null when the
 * gold answer cannot be parsed (the sample does not apply). See math/verify-math-answer.ts.
 */
import {
  Default,
  definePlugin,
  REWARD_SPEC_VERSION,
  StringEnum,
  Type,
  type PluginOptions,
  type RewardInput,
  type RewardModel,
  type RewardResult,
} from '@srl/core';
import type { ExtractOptions } from './math/extract-answer';
import { verifyMathAnswer } from './math/verify-math-answer';

/** math-answer's options, declared once. */
export const mathAnswerOptions = Type.Object(
  {
    /** A check that runs out scores 0 and sets the `timeout` component. */
    timeoutMs: Default(Type.Number({ exclusiveMinimum: 0, description: 'budget of one check in ms' }), 2000),
    /** Decimal places (and significant digits) compared when an answer is written with a decimal point. */
    precision: Default(Type.Integer({ minimum: 0, maximum: 15, description: 'decimal places compared for decimal answers' }), 6),
    /** Roots, π, expressions at sample points. */
    tolerance: Default(Type.Number({ minimum: 0, maximum: 1, description: 'relative tolerance for inexact values' }), 1e-9),
    /** False: f(x) matches f(y). */
    strict: Default(Type.Boolean({ description: 'variable names must match' }), true),
    allowSetRelationComparison: Default(Type.Boolean({ description: 'accept a relation (x > 2) for a set gold ((2, \\infty))' }), false),
    /** Anywhere (boxes, "answer is", formulas, numbers) or only in a box. */
    extractFrom: Default(StringEnum(['any', 'last-boxed'], { description: "where the completion's answer may be" }), 'any'),
    /** auto (bare answer or full solution), bare, or a solution to search. */
    goldFormat: Default(StringEnum(['auto', 'bare', 'extract'], { description: 'how to read the reference' }), 'auto'),
    /** Read the gold from this metadata column instead of `reference` (e.g. "answer"). */
    referenceField: Default(
      Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'metadata column holding the gold (null: `reference`)' }),
      null,
    ),
  },
  { additionalProperties: false },
);
export type MathAnswerOptions = PluginOptions<typeof mathAnswerOptions>;

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

export const mathAnswerPlugin = definePlugin({
  kind: 'reward',
  name: 'math-answer',
  description:
    'verifiable math reward: 1 when the final answer (\\boxed, #### x, "the answer is", last formula) equals the gold answer, else 0; null when the gold cannot be parsed',
  options: mathAnswerOptions,
  create: (options) => new MathAnswerReward(options),
});
