// SRL §4.2: a solution of N steps gives one instance per step k, prompt = problem + expert steps
// 1..k-1, target = step k. The text says "N-1 partial trajectories"; we include every k = 1..N
// (k = 1: the problem alone; k = N: the last step, which usually states the answer).
// Footnote 1: optionally the title of step k goes into the prompt and the target is its body.
// Figure 3: the target is step k with its number, `k. ...`, as the context shows steps 1..k-1.
import { numberStep, SrlError, type Example, type Instance } from '@srl/core';
import { stepBody } from '../decompose/numbered-decomposer';
import { formatStepContext } from './format-step-context';

export interface StepInstanceOptions {
  kind: 'srl' | 'sft';
  systemPrompt: string;
  stepTitleInPrompt: boolean;
  /** `numbered`: the target is `k. {step}`; `bare`: the step alone. */
  targetNumbering: 'numbered' | 'bare';
}

/** One instance per expert step (ids `<exampleId>/<kind>/<k>`, 1-based `step.index`). */
export function buildStepInstances(example: Example, options: StepInstanceOptions): Instance[] {
  const steps = example.steps;
  if (!steps || steps.length === 0) {
    throw new SrlError(
      'validation',
      `example "${example.id}" has no expert steps, so it cannot give ${options.kind} step instances; give the task a "decomposer" (e.g. "gsm8k-lines", "numbered", "paragraphs")`,
    );
  }
  const titles = example.stepTitles;
  if (options.stepTitleInPrompt && (!titles || titles.length !== steps.length)) {
    throw new SrlError(
      'validation',
      `stepTitleInPrompt needs titled steps, but example "${example.id}" has ${titles ? titles.length : 'no'} titles for ${steps.length} steps; use the "numbered" decomposer or turn stepTitleInPrompt off`,
    );
  }
  return steps.map((step, i) => {
    const title = titles?.[i];
    const withTitle = options.stepTitleInPrompt && title !== undefined;
    const user = formatStepContext({ problem: example.problem, previousSteps: steps.slice(0, i), nextTitle: withTitle ? title : undefined });
    const metadata: Record<string, unknown> = {};
    if (title !== undefined) metadata.title = title;
    if (example.answer !== undefined) metadata.answer = example.answer;
    return {
      id: `${example.id}/${options.kind}/${i + 1}`,
      exampleId: example.id,
      kind: options.kind,
      prompt: [...(options.systemPrompt !== '' ? [{ role: 'system' as const, content: options.systemPrompt }] : []), { role: 'user' as const, content: user }],
      reference: withTitle ? stepBody(step, title) : options.targetNumbering === 'bare' ? step : numberStep(i + 1, step),
      step: { index: i + 1, count: steps.length },
      metadata,
    };
  });
}
