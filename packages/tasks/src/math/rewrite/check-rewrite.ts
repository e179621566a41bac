// SRL App. B.3: a rewrite is kept only if it passes the format check (the numbered decomposer, header required) and
// still ends in the original's final answer (it must follow the original, not solve anew).
import { lastBoxed, type FinishReason } from '@srl/core';
import { cleanAnswer } from '../answers/clean-answer';
import { NumberedDecomposer } from '../decompose/numbered-decomposer';

export type RewriteCheck = { ok: true; solution: string; steps: number } | { ok: false; reason: string; detail: string };

const decomposer = new NumberedDecomposer({ requireHeader: true, requireBody: true });

/** Checks a model's rewrite of `original`. `reason` is a short category to count by; `detail` says what was found. */
export function checkRewrite(input: { reply: string; original: string; finishReason?: FinishReason }): RewriteCheck {
  if (input.finishReason === 'length') return { ok: false, reason: 'truncated', detail: 'the reply hit max tokens before it ended; raise --max-tokens' };
  // Models often wrap the whole answer in a Markdown fence.
  const solution = input.reply
    .trim()
    .replace(/^```[a-z]*\n([\s\S]*?)\n```$/i, '$1')
    .trim();
  if (solution === '') return { ok: false, reason: 'empty reply', detail: 'the model returned no text' };
  const problem = decomposer.explain(solution);
  if (problem !== null) return { ok: false, reason: 'format', detail: problem };
  const steps = decomposer.split(solution)!.steps.length;
  const before = lastBoxed(input.original);
  if (before !== null) {
    const after = lastBoxed(solution);
    if (after === null) return { ok: false, reason: 'answer missing', detail: `the original's answer \\boxed{${before}} is not in the rewrite` };
    if (cleanAnswer(after) !== cleanAnswer(before))
      return { ok: false, reason: 'answer changed', detail: `original \\boxed{${before}}, rewrite \\boxed{${after}}` };
  }
  return { ok: true, solution, steps };
}
