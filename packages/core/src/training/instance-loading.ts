import type { Logger } from '../contracts/logger';
import type { TrainablePolicy } from '../contracts/policy';
import type { Instance, InstanceKind, Task } from '../contracts/task';
import type { TrainingInstance } from '../contracts/trainer';
import { SrlError } from '../errors';

export type TokenizedInstance = TrainingInstance;

/**
 * Loads a split, builds instances of one kind, tokenizes prompts and drops those over the limit
 * (logged). `target` gives each instance's target text (default: its reference).
 */
export async function loadTokenizedInstances(input: {
  task: Task;
  policy: TrainablePolicy;
  split: string;
  kind: InstanceKind;
  limit?: number;
  maxPromptTokens: number;
  logger: Logger;
  target?: (instance: Instance) => string;
}): Promise<TokenizedInstance[]> {
  const { task, policy, logger } = input;
  const loaded = await task.load(input.split, { limit: input.limit });
  if (loaded.skipped.length) logger.log('warn', `${task.name}/${input.split}: skipped ${loaded.skipped.length} malformed rows (first: ${loaded.skipped[0].file}:${loaded.skipped[0].line} ${loaded.skipped[0].reason})`);
  const out: TokenizedInstance[] = [];
  let tooLong = 0;
  // A prompt must also leave the model room to answer: the policy's context bounds it too.
  const context = policy.contextLength;
  const limit = context !== undefined ? Math.min(input.maxPromptTokens, context - 1) : input.maxPromptTokens;
  const why = limit < input.maxPromptTokens ? `the model's ${context} positions (maxPositions)` : `maxPromptTokens=${input.maxPromptTokens}`;
  for (const example of loaded.examples) {
    for (const instance of task.instances(example, input.kind)) {
      const promptText = policy.formatPrompt(instance.prompt);
      const promptTokenIds = policy.tokenize(promptText);
      if (promptTokenIds.length > limit) tooLong++;
      else out.push({ instance, promptText, promptTokenIds, target: input.target ? input.target(instance) : instance.reference });
    }
  }
  logger.log(tooLong ? 'warn' : 'info', `${task.name}/${input.split}: ${loaded.examples.length} examples -> ${out.length} ${input.kind} instances` + (tooLong ? ` (${tooLong} dropped: prompt over ${limit} tokens, the limit of ${why})` : ''));
  if (!out.length) {
    throw new SrlError('validation', `${task.name}/${input.split} gave no ${input.kind} instances${tooLong ? `: all ${tooLong} prompts exceed ${why}; raise it, or shorten the prompts (e.g. a shorter systemPrompt)` : ''}`);
  }
  return out;
}

/** Fills `{reference}` (and `{title}` from instance metadata, if any) in a completion template. */
export function renderCompletion(template: string, instance: Instance): string {
  return template.replace(/\{reference\}/g, () => instance.reference).replace(/\{title\}/g, () => String(instance.metadata?.title ?? ''));
}
