/** Math answer checking: extraction, parsing and equivalence of final answers. */
export { verifyMathAnswer, parseGold, DEFAULT_TIMEOUT_MS } from './verify-math-answer';
export type { VerifyMathAnswerInput, MathVerification, VerificationStatus } from './verify-math-answer';
export { extractAnswer, MAX_SEARCH_LENGTH } from './extract-answer';
export type { ExtractOptions, ExtractedAnswer, AnswerSource } from './extract-answer';
export { extractChoice } from './extract-choice';
export type { ChoiceOptions, ExtractedChoice } from './extract-choice';
export { parseLatexAnswer, MAX_ANSWER_LENGTH } from './parse-answer';
export { answersEqual } from './answers-equal';
export type { CompareOptions } from './answers-equal';
// The boxed-answer rule lives in @srl/core (the math tasks read golds with it); re-exported for existing imports.
export { findBoxed, lastBoxed } from '@srl/core';
export { describeAnswer } from './math-answer';
export type { MathAnswer, MathNode, RelationOp } from './math-answer';
export { Budget, TimeoutError } from './budget';
