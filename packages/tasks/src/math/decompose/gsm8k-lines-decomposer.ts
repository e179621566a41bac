// SRL §4.2: an expert solution is split into steps. GSM8K solutions are one reasoning step per
// line, with calculator annotations `<<48/2=24>>` and a last line `#### 72` holding the answer.
// A step is one line, so it never holds a step-header line after its first (see @srl/core step-header).
import { Default, schemaDefaults, StringEnum, Type, type PluginOptions, type StepDecomposer } from '@srl/core';
import { cleanAnswer } from '../answers/clean-answer';

/** The decomposer's options, declared once (the `gsm8k-lines` plugin's). */
export const gsm8kLinesOptions = Type.Object(
  {
    /**
     * What to do with the calculator annotations `<<48/2=24>>`. Default 'strip': they are an artefact
     * of how GSM8K was written (a calculator tool), not reasoning; kept, they would appear in the
     * step-wise context and the step-similarity reward would pay the policy for reproducing them.
     */
    annotations: Default(StringEnum(['strip', 'keep']), 'strip'),
  },
  { additionalProperties: false },
);
export type Gsm8kLinesOptions = PluginOptions<typeof gsm8kLinesOptions>;

const ANNOTATION = /<<[^<>]*>>/g;
const ANSWER_LINE = /^####\s*(.*)$/;

/**
 * One step per non-empty line; the last non-empty line must be `#### answer`. Returns null when
 * there is no answer line, the answer is empty, or there is no step before it.
 */
export class Gsm8kLinesDecomposer implements StepDecomposer {
  readonly specVersion = 1 as const;
  readonly name = 'gsm8k-lines';

  constructor(private readonly options: Gsm8kLinesOptions = schemaDefaults(gsm8kLinesOptions)) {}

  split(solution: string): { steps: string[]; answer: string } | null {
    const lines = solution
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const last = lines.pop();
    const match = last === undefined ? null : ANSWER_LINE.exec(last);
    if (!match) return null;
    const answer = cleanAnswer(match[1]);
    if (answer === null) return null;
    const steps = lines
      .map((line) => (this.options.annotations === 'strip' ? line.replace(ANNOTATION, '').replace(/ {2,}/g, ' ').trim() : line))
      .filter((l) => l !== '');
    return steps.length ? { steps, answer } : null;
  }
}
