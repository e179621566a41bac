/**
 * Checks a completion's final answer against a gold answer (a bare answer such as `\frac{3}{56}`
 * or a full solution with `\boxed{...}` / `#### x`). Verifiable reward for RLVR (SRL §3: the
 * second stage trains on outcome rewards).
 *
 * Library choice (measured on this machine, Node 20): LaTeX is parsed by
 * @cortex-js/compute-engine's standalone `latex-syntax` parser, and equivalence is decided by our
 * own evaluator (exact BigInt rationals; complex doubles at random points; bounded work).
 * - compute-engine `latex-syntax`: reads 766 of the 772 raw MATH500 + Minerva gold answers
 *   without an error node (the 6 others hold `\$`, a stray `$`, `np.arcsin`, `\odot`, which normalisation
 *   handles); ~0.09 ms a parse after ~50 ms to import and warm up; stateless; it keeps the
 *   author's structure (brackets, juxtaposition, chained relations) and numbers as written
 *   ("27.0", "4.5e33"), which the comparison rules need.
 * - compute-engine's full `ComputeEngine` was not used: in canonical mode `ce.parse` infers types
 *   into shared state (after `f(x)` and `x(y+1)` were parsed, `2x^2-3x+1` came back as an
 *   error), `ce.parse('99999!').evaluate()` ran 5 s synchronously with no way to stop it, and the
 *   engine takes ~200 ms to import and construct. Its `simplify()` (7-18 ms on identities) is
 *   not needed: numeric evaluation at sample points decides algebraic equivalence in < 1 ms.
 * - mathjs 15.2 has no LaTeX parser: it rejects `\frac{1}{2}`, `(1,2)`, `[0,1)` and `3, 5, 7`,
 *   and takes ~700 ms to import. Neither its parser nor its CAS would be used.
 * Both packages stay installed; only `@cortex-js/compute-engine/latex-syntax` (410 kB) is loaded.
 */
import { answersEqual, type CompareOptions } from './answers-equal';
import { Budget, isTimeoutError } from './budget';
import { extractAnswer, type ExtractedAnswer, type ExtractOptions } from './extract-answer';
import { describeAnswer, type MathAnswer } from './math-answer';
import { parseLatexAnswer } from './parse-answer';

export interface VerifyMathAnswerInput {
  /** The model's completion (or just its answer). */
  prediction: string;
  /** The gold answer: a bare answer or a full solution. */
  gold: string;
  /**
   * How to read the gold. `auto` (default): a full solution (with `\boxed`, `####`, `$`, or
   * prose) is searched like a completion; anything else is one bare answer (searched if it does not parse).
   */
  goldFormat?: 'auto' | 'bare' | 'extract';
  /** Time budget of one check in ms (default 2000). A check that runs out scores 0 with status timeout. */
  timeoutMs?: number;
  /** Decimal places compared when an answer is written with a decimal point (default 6). */
  precision?: number;
  /** Relative tolerance for inexact values (default 1e-9). */
  tolerance?: number;
  /** Variable names must match (default true). */
  strict?: boolean;
  /** Accept a relation (`x > 2`) for a set gold (`(2, \infty)`) (default false; the reverse is always accepted). */
  allowSetRelationComparison?: boolean;
  /** Sample points for expressions with variables (default 8). */
  points?: number;
  /** Where to look for the prediction's answer. */
  extract?: ExtractOptions;
  /** Where to look for the gold's answer when it is searched. */
  goldExtract?: ExtractOptions;
}

export type VerificationStatus = 'correct' | 'incorrect' | 'no-answer' | 'gold-unparseable' | 'timeout';

export interface MathVerification {
  status: VerificationStatus;
  /** 1 correct, 0 wrong / no answer / timeout, null when the gold cannot be parsed (does not apply). */
  reward: 1 | 0 | null;
  /** The gold answer as read, and its parsed form (readable). */
  gold: { text: string; parsed: string } | null;
  prediction: { text: string; parsed: string; source: ExtractedAnswer['source'] } | null;
  elapsedMs: number;
}

export const DEFAULT_TIMEOUT_MS = 2000;

const FULL_SOLUTION = /\\boxed|\\fbox|####|(?<!\\)\$|\\\(|\\\[/;

/** Prose (four words in a row) rather than a formula. */
const PROSE = /(?:[A-Za-z]{2,}[ ,.;:]+){4}/;

/** Reads a gold answer; null when it cannot be parsed. */
export function parseGold(
  gold: string,
  format: VerifyMathAnswerInput['goldFormat'] = 'auto',
  extract?: ExtractOptions,
): { text: string; answer: MathAnswer } | null {
  const trimmed = gold.trim();
  const bare = format === 'bare' || (format === 'auto' && !FULL_SOLUTION.test(trimmed) && !PROSE.test(trimmed.replace(/\\[a-zA-Z]+/g, ' ')));
  if (bare) {
    const answer = parseLatexAnswer(trimmed);
    if (answer || format === 'bare') return answer && { text: trimmed, answer };
  }
  const found = extractAnswer(trimmed, extract);
  return found && { text: found.text, answer: found.answer };
}

/** Verifies one prediction against one gold answer. Never throws for bad input: it reports a status. */
export function verifyMathAnswer(input: VerifyMathAnswerInput): MathVerification {
  const started = performance.now();
  const budget = new Budget(input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const done = (status: VerificationStatus, gold: MathVerification['gold'] = null, prediction: MathVerification['prediction'] = null): MathVerification => ({
    status,
    reward: status === 'gold-unparseable' ? null : status === 'correct' ? 1 : 0,
    gold,
    prediction,
    elapsedMs: performance.now() - started,
  });
  // Reading both sides is bounded by the length caps; the budget is then checked before comparing.
  const gold = parseGold(input.gold, input.goldFormat, input.goldExtract);
  const goldInfo = gold && { text: gold.text, parsed: describeAnswer(gold.answer) };
  const found = extractAnswer(input.prediction, input.extract);
  const predInfo = found && { text: found.text, parsed: describeAnswer(found.answer), source: found.source };
  if (!gold) return done('gold-unparseable', null, predInfo);
  if (budget.expired) return done('timeout', goldInfo, predInfo);
  if (!found) return done('no-answer', goldInfo);
  const options: CompareOptions = {
    precision: input.precision ?? 6,
    tolerance: input.tolerance ?? 1e-9,
    strict: input.strict ?? true,
    allowSetRelationComparison: input.allowSetRelationComparison ?? false,
    points: input.points ?? 8,
    budget,
  };
  try {
    return done(answersEqual(gold.answer, found.answer, options) ? 'correct' : 'incorrect', goldInfo, predInfo);
  } catch (error) {
    if (isTimeoutError(error)) return done('timeout', goldInfo, predInfo);
    throw error;
  }
}
