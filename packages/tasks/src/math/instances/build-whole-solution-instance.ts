import { SrlError, type Example, type Instance } from '@srl/core';
import { buildEvalPrompt } from './build-eval-prompt';
import { renderNumberedSteps } from './format-step-context';

export interface WholeSolutionOptions {
  kind: 'rlvr' | 'sft' | 'srl';
  evalSystemPrompt: string;
  /** SFT and SRL: 'steps' renders the decomposed steps (plus a boxed answer), 'solution' the raw text. */
  sftTarget: 'steps' | 'solution';
}

/**
 * One whole-solution instance with the evaluation prompt. RLVR: reference = the gold answer (what
 * `math-answer` compares with; the evaluation harness uses these instances). SFT, and SRL's one-step
 * ablation (`srlMode: "whole"`, scored by `solution-similarity`): reference = the whole expert solution.
 */
export function buildWholeSolutionInstance(example: Example, options: WholeSolutionOptions): Instance {
  const metadata: Record<string, unknown> = {};
  if (example.answer !== undefined) metadata.answer = example.answer;
  return {
    id: `${example.id}/${options.kind}`,
    exampleId: example.id,
    kind: options.kind,
    prompt: buildEvalPrompt(example.problem, options.evalSystemPrompt),
    reference: options.kind === 'rlvr' ? goldAnswer(example) : wholeSolution(example, options.sftTarget, options.kind),
    metadata,
  };
}

function goldAnswer(example: Example): string {
  if (example.answer === undefined || example.answer === '') {
    throw new SrlError(
      'validation',
      `example "${example.id}" has no gold answer, so it cannot give an rlvr instance; configure the task's answer field or extraction`,
    );
  }
  return example.answer;
}

/**
 * 'steps': `1. step\n2. step ...`, then `The final answer is $\boxed{answer}$.` unless the last step
 * already has a `\boxed{}` (so the target ends the way the evaluation prompt asks).
 */
function wholeSolution(example: Example, target: 'steps' | 'solution', kind: 'sft' | 'srl'): string {
  if (target === 'steps' && example.steps?.length) {
    const body = renderNumberedSteps(example.steps);
    const last = example.steps[example.steps.length - 1];
    return example.answer === undefined || /\\boxed/.test(last) ? body : `${body}\n\nThe final answer is $\\boxed{${example.answer}}$.`;
  }
  if (example.solution === undefined || example.solution.trim() === '') {
    throw new SrlError(
      'validation',
      `example "${example.id}" has no solution, so it cannot give a whole-solution ${kind} instance; configure the task's solution field`,
    );
  }
  return example.solution.trim();
}
