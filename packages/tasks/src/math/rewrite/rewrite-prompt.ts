// SRL App. B.3 (v3): before decomposition, each expert solution is rewritten by an LLM into a strict numbered
// template, following the original and not solving anew; rewrites that fail the format check are dropped.
// The paper names the template and the model (Gemini-2.5-flash), not its prompt: this is ours, in its spirit.
import type { ChatMessage } from '@srl/core';

/** The system prompt of the rewrite step. */
export const REWRITE_SYSTEM_PROMPT = `You rewrite expert solutions of math problems into a strict step-by-step format. Do not solve the problem again and do not change the solution's reasoning, numbers or final answer: only restructure and condense what the original solution says.

Your output must follow this template exactly:
SOLUTION:
1. **{STEP TITLE}** {STEP ACTION}
2. **{STEP TITLE}** {STEP ACTION}
...

Rules:
- Each step is one logical move of the original solution. The title is a short imperative phrase (for example "Isolate x" or "Compute the discriminant"); the action gives that step's equations and operations, in LaTeX where the original uses it.
- Number the steps 1, 2, 3, ... without gaps. Start each step on a new line with its number and its bold title; an action may continue on the following lines.
- Keep every intermediate result of the original that a later step uses.
- The last step states the final answer as \\boxed{...}, the same answer as the original solution.
- Write nothing before "SOLUTION:" and nothing after the last step.`;

/** The chat that asks a model to rewrite one solution. */
export function rewritePrompt(input: { problem?: string; solution: string }): ChatMessage[] {
  const problem = input.problem ? `PROBLEM:\n${input.problem.trim()}\n\n` : '';
  return [
    { role: 'system', content: REWRITE_SYSTEM_PROMPT },
    { role: 'user', content: `${problem}ORIGINAL SOLUTION:\n${input.solution.trim()}\n\nRewrite the original solution in the template above.` },
  ];
}
