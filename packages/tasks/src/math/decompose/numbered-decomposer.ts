// SRL §4.2 / App. A (v3): expert solutions are rewritten into a strict numbered template and the
// ones failing the format check are dropped:
//   SOLUTION:
//   1. **{STEP TITLE}** {STEP ACTION}
//   2. **{STEP TITLE}** {STEP ACTION}
import { Default, isStepHeaderLine, lastBoxed, schemaDefaults, Type, type PluginOptions, type StepDecomposer } from '@srl/core';
import { cleanAnswer } from '../answers/clean-answer';

/** The decomposer's options, declared once (the `numbered` plugin's). */
export const numberedOptions = Type.Object(
  {
    /** Require the `SOLUTION:` header line (false: it is optional). */
    requireHeader: Default(Type.Boolean(), false),
    /** Require a non-empty action after each title. */
    requireBody: Default(Type.Boolean(), true),
  },
  { additionalProperties: false },
);
export type NumberedOptions = PluginOptions<typeof numberedOptions>;

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

  constructor(private readonly options: NumberedOptions = schemaDefaults(numberedOptions)) {}

  split(solution: string): { steps: string[]; titles: string[]; answer?: string } | null {
    const parsed = this.parse(solution);
    return typeof parsed === 'string' ? null : parsed;
  }

  /** Why `split` rejects a solution (e.g. "step 3: numbered 4, expected 3"), or null when it conforms. */
  explain(solution: string): string | null {
    const parsed = this.parse(solution);
    return typeof parsed === 'string' ? parsed : null;
  }

  /** The steps, or the reason the solution does not conform. */
  private parse(solution: string): { steps: string[]; titles: string[]; answer?: string } | string {
    const lines = solution.replace(/\r\n?/g, '\n').split('\n');
    let i = 0;
    while (i < lines.length && lines[i].trim() === '') i++;
    const header = i < lines.length ? HEADER.exec(lines[i].trim()) : null;
    if (header) {
      if (header[1] === '') i++;
      else lines[i] = header[1]; // `SOLUTION: 1. **Title** ...` on one line
    } else if (this.options.requireHeader) return 'no "SOLUTION:" header line';

    const steps: string[][] = [];
    const titles: string[] = [];
    for (; i < lines.length; i++) {
      const line = lines[i];
      const step = STEP.exec(line);
      if (step) {
        const title = step[2].trim();
        if (Number(step[1]) !== steps.length + 1) return `step ${steps.length + 1}: numbered ${step[1]}, expected ${steps.length + 1}`;
        if (title === '') return `step ${steps.length + 1}: empty bold title`;
        titles.push(title);
        steps.push([line.slice(line.indexOf('**'))]);
      } else if (isStepHeaderLine(line) || GLUED_TITLE.test(line)) {
        // a step without a bold title: no step may hold a step-header line after its first line
        return `step ${steps.length + 1}: numbered line without a **bold title**: ${JSON.stringify(line.slice(0, 60))}`;
      } else if (steps.length === 0) {
        if (line.trim() !== '') return `text before step 1: ${JSON.stringify(line.slice(0, 60))}`;
      } else {
        steps[steps.length - 1].push(line);
      }
    }
    if (steps.length === 0) return 'no numbered steps ("1. **Title** action")';
    const texts = steps.map((s) => s.join('\n').trim());
    if (this.options.requireBody) {
      const empty = texts.findIndex((t, k) => stepBody(t, titles[k]) === '');
      if (empty >= 0) return `step ${empty + 1}: title without an action`;
    }
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
