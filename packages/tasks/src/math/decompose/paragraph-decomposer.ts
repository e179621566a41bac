import { isStepHeaderLine, lastBoxed, type StepDecomposer } from '@srl/core';
import { cleanAnswer } from '../answers/clean-answer';

/**
 * Fallback decomposition: one step per paragraph (blocks separated by blank lines), and a paragraph line in
 * the step-header format (an unindented `k. `, see `isStepHeaderLine`) starts a step of its own, so no step
 * holds a header line after its first line and the SRL output parser reads each step, copied verbatim, as one
 * step. Returns null only for an empty solution. The answer is the last `\boxed{}`, if any.
 */
export class ParagraphDecomposer implements StepDecomposer {
  readonly specVersion = 1 as const;
  readonly name = 'paragraphs';

  split(solution: string): { steps: string[]; answer?: string } | null {
    const steps = solution
      .replace(/\r\n?/g, '\n')
      .split(/\n[ \t]*\n/)
      .flatMap(splitAtHeaders)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (steps.length === 0) return null;
    const boxed = lastBoxed(solution);
    const answer = boxed === null ? null : cleanAnswer(boxed);
    return answer === null ? { steps } : { steps, answer };
  }
}

/** A paragraph cut before every header line but its first (leading spaces are trimmed later, so the first line may be indented). */
function splitAtHeaders(paragraph: string): string[] {
  const parts: string[][] = [];
  for (const line of paragraph.split('\n')) {
    if (parts.length === 0 || (isStepHeaderLine(line) && parts[parts.length - 1].some((l) => l.trim() !== ''))) parts.push([line]);
    else parts[parts.length - 1].push(line);
  }
  return parts.map((p) => p.join('\n'));
}
