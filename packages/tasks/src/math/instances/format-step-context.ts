// SRL §4.2: a step-wise prompt shows the problem and the expert steps 1..k-1. The paper fixes no
// user-turn layout beyond a figure `Question: ... Solution: <step 1> <step 2>`; ours:
//
//   Question:
//   {problem}
//
//   Solution so far:
//   1. {step 1}
//   2. {step 2}
//
//   Next step:
//   3. **{title of step 3}**
//
// "Solution so far" is left out for k = 1; "Next step" only with the footnote-1 option.
import { numberStep } from '@srl/core';

export interface StepContext {
  problem: string;
  /** Expert steps 1..k-1, as the decomposer returned them (numbered steps keep their `**Title**`). */
  previousSteps: string[];
  /** Footnote 1: the title of step k, given in the prompt; the target is then its body only. */
  nextTitle?: string;
}

/** Numbers steps as `1. ...`, one per line (the paper's format, `numberStep` of @srl/core). */
export function renderNumberedSteps(steps: string[], start = 1): string {
  return steps.map((step, i) => numberStep(start + i, step)).join('\n');
}

/** The user turn of a step-wise instance (layout above). */
export function formatStepContext(context: StepContext): string {
  const parts = [`Question:\n${context.problem.trim()}`];
  if (context.previousSteps.length) parts.push(`Solution so far:\n${renderNumberedSteps(context.previousSteps)}`);
  if (context.nextTitle !== undefined) parts.push(`Next step:\n${numberStep(context.previousSteps.length + 1, `**${context.nextTitle}**`)}`);
  return parts.join('\n\n');
}
