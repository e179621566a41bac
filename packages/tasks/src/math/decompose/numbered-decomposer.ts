// SRL §4.2 / App. A (v3): expert solutions are rewritten into a strict numbered template and the
// ones failing the format check are dropped:
//   SOLUTION:
//   1. **{STEP TITLE}** {STEP ACTION}
//   2. **{STEP TITLE}** {STEP ACTION}
import { isStepHeaderLine, type StepDecomposer } from '@srl/core';
import { lastBoxed } from '../answers/last-boxed';
import { cleanAnswer } from '../answers/clean-answer';

export interface NumberedOptions {
  /** Require the `SOLUTION:` header line. Default false (it is optional). */
  requireHeader: boolean;
  /** Require a non-empty action after each title. Default true. */
  requireBody: boolean;
}

const HEADER = /^(?:\*\*)?SOLUTION:(?:\*\*)?[ \t]*(.*)$/i;
const STEP = /^(\d+)\.[ \t]*\*\*(.+?)\*\*(.*)$/;
/** `1.**Title**` (no space) is a numbered line too, though not a step header. */
const GLUED_TITLE = /^\d+\.\*\*/;

/**
 * Parses the paper's numbered format. A step starts with an unindented `k. **Title**` line and runs
 * until the next one (indented lines, `Step k` lines and other continuation lines belong to it; an
 * unindented `k.` line is always a step header, `isStepHeaderLine` of @srl/core). Returns null (the solution
 * does not conform) when: there is text before step 1 other than the optional `SOLUTION:` header;
 * an unindented numbered line has no bold title; the numbers are not 1, 2, 3, ... in order; a title
 * is empty; or (requireBody) a step has no action. Each step is returned without its number
 * (`**Title** action`), its title separately; the answer is the last `\boxed{}`, if any.
 */
export class NumberedDecomposer implements StepDecomposer {
  readonly specVersion = 1 as const;
  readonly name = 'numbered';

  constructor(private readonly options: NumberedOptions = { requireHeader: false, requireBody: true }) {}

  split(solution: string): { steps: string[]; titles: string[]; answer?: string } | null {
    const lines = solution.replace(/\r\n?/g, '\n').split('\n');
    let i = 0;
    while (i < lines.length && lines[i].trim() === '') i++;
    const header = i < lines.length ? HEADER.exec(lines[i].trim()) : null;
    if (header) {
      if (header[1] === '') i++;
      else lines[i] = header[1]; // `SOLUTION: 1. **Title** ...` on one line
    } else if (this.options.requireHeader) return null;

    const steps: string[][] = [];
    const titles: string[] = [];
    for (; i < lines.length; i++) {
      const line = lines[i];
      const step = STEP.exec(line);
      if (step) {
        const title = step[2].trim();
        if (Number(step[1]) !== steps.length + 1 || title === '') return null;
        titles.push(title);
        steps.push([line.slice(line.indexOf('**'))]);
      } else if (isStepHeaderLine(line) || GLUED_TITLE.test(line)) {
        return null; // a step without a bold title: no step may hold a step-header line after its first line
      } else if (steps.length === 0) {
        if (line.trim() !== '') return null; // preamble before step 1
      } else {
        steps[steps.length - 1].push(line);
      }
    }
    if (steps.length === 0) return null;
    const texts = steps.map((s) => s.join('\n').trim());
    if (this.options.requireBody && texts.some((t, k) => stepBody(t, titles[k]) === '')) return null;
    const boxed = lastBoxed(solution);
    const answer = boxed === null ? null : cleanAnswer(boxed);
    return answer === null ? { steps: texts, titles } : { steps: texts, titles, answer };
  }
}

/** A numbered step's action: its text without the leading `**Title**` (SRL footnote 1's target). */
export function stepBody(step: string, title: string): string {
  const prefix = `**${title}**`;
  const start = step.startsWith(prefix) ? prefix.length : step.startsWith('**') ? step.indexOf('**', 2) + 2 : 0;
  return step.slice(start).trim();
}
