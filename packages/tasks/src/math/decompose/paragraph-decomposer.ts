import type { StepDecomposer } from '@srl/core';
import { lastBoxed } from '../answers/last-boxed';
import { cleanAnswer } from '../answers/clean-answer';

/**
 * Fallback decomposition: one step per paragraph (blocks separated by blank lines). Returns null
 * only for an empty solution. The answer is the last `\boxed{}`, if any.
 */
export class ParagraphDecomposer implements StepDecomposer {
  readonly specVersion = 1 as const;
  readonly name = 'paragraphs';

  split(solution: string): { steps: string[]; answer?: string } | null {
    const steps = solution
      .replace(/\r\n?/g, '\n')
      .split(/\n[ \t]*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (steps.length === 0) return null;
    const boxed = lastBoxed(solution);
    const answer = boxed === null ? null : cleanAnswer(boxed);
    return answer === null ? { steps } : { steps, answer };
  }
}
