import type { ChatMessage } from '@srl/core';
import { MATH_EVAL_SYSTEM_PROMPT } from '../prompts';

/**
 * The whole-solution prompt used for evaluation, RLVR and whole-solution SFT: the paper's evaluation
 * system prompt (App. B.2; overridable) and the bare problem as the user turn (as in Qwen2.5-Math's
 * evaluation). The policy's tokenizer applies the chat template.
 */
export function buildEvalPrompt(problem: string, systemPrompt: string = MATH_EVAL_SYSTEM_PROMPT): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemPrompt !== '') messages.push({ role: 'system', content: systemPrompt });
  messages.push({ role: 'user', content: problem.trim() });
  return messages;
}
