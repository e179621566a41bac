import type { Logger } from '../contracts/logger';
import type { PromptEncoder } from '../contracts/policy';
import type { Instance, InstanceKind, Task } from '../contracts/task';
import type { InstanceReport, TrainingInstance } from '../contracts/trainer';
import { SrlError } from '../errors';

export type TokenizedInstance = TrainingInstance;

/** How many of the rows and prompts left out a report names (the rest are counted). */
const FIRST_SKIPPED = 5;

/**
 * Loads a split, builds instances of one kind, tokenizes prompts and drops those over the limit
 * (logged, and told to `report`). `target` gives each instance's target text (default: its reference).
 */
export async function loadTokenizedInstances(input: {
  task: Task;
  policy: PromptEncoder;
  split: string;
  kind: InstanceKind;
  limit?: number;
  maxPromptTokens: number;
  logger: Logger;
  target?: (instance: Instance) => string;
  report?: (report: InstanceReport) => void | Promise<void>;
}): Promise<TokenizedInstance[]> {
  const { task, policy, logger } = input;
  const loaded = await task.load(input.split, { limit: input.limit });
  if (loaded.skipped.length)
    logger.log(
      'warn',
      `${task.name}/${input.split}: skipped ${loaded.skipped.length} malformed rows (first: ${loaded.skipped[0].file}:${loaded.skipped[0].line} ${loaded.skipped[0].reason})`,
    );
  const out: TokenizedInstance[] = [];
  const skippedFirst = loaded.skipped.slice(0, FIRST_SKIPPED).map((r) => `${r.file}:${r.line} ${r.reason}`);
  let tooLong = 0;
  let longest = 0;
  // A prompt must also leave the model room to answer: the policy's context bounds it too.
  const context = policy.contextLength;
  const limit = context !== undefined ? Math.min(input.maxPromptTokens, context - 1) : input.maxPromptTokens;
  const why = limit < input.maxPromptTokens ? `the model's ${context} positions (maxPositions)` : `maxPromptTokens=${input.maxPromptTokens}`;
  for (const example of loaded.examples) {
    for (const instance of task.instances(example, input.kind)) {
      const promptText = policy.formatPrompt(instance.prompt);
      const promptTokenIds = policy.tokenize(promptText);
      longest = Math.max(longest, promptTokenIds.length);
      if (promptTokenIds.length > limit) {
        if (tooLong++ < FIRST_SKIPPED) skippedFirst.push(`instance ${instance.id}: ${promptTokenIds.length} prompt tokens`);
      } else out.push({ instance, promptText, promptTokenIds, target: input.target ? input.target(instance) : instance.reference });
    }
  }
  const skipped: Record<string, number> = {};
  if (loaded.skipped.length) skipped.malformed = loaded.skipped.length;
  if (tooLong) skipped['prompt-too-long'] = tooLong;
  await input.report?.({
    split: input.split,
    kind: input.kind,
    examples: loaded.examples.length,
    instances: out.length,
    skipped,
    skippedFirst,
    longestPrompt: longest,
    promptLimit: { tokens: limit, by: limit < input.maxPromptTokens ? 'maxPositions' : 'maxPromptTokens' },
  });
  logger.log(
    tooLong ? 'warn' : 'info',
    `${task.name}/${input.split}: ${loaded.examples.length} examples -> ${out.length} ${input.kind} instances` +
      (tooLong ? ` (${tooLong} dropped: prompt over ${limit} tokens, the limit of ${why})` : ''),
  );
  if (!out.length) {
    throw new SrlError(
      'validation',
      `${task.name}/${input.split} gave no ${input.kind} instances${tooLong ? `: all ${tooLong} prompts exceed ${why}; raise it, or shorten the prompts (e.g. a shorter systemPrompt)` : ''}`,
    );
  }
  return out;
}

/** Fills `{reference}` (and `{title}` from instance metadata, if any) in a completion template. */
export function renderCompletion(template: string, instance: Instance): string {
  return template.replace(/\{reference\}/g, () => instance.reference).replace(/\{title\}/g, () => String(instance.metadata?.title ?? ''));
}
