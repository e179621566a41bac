import path from 'node:path';
import type { Logger } from '../contracts/logger';
import type { PromptEncoder } from '../contracts/policy';
import type { InstanceReport } from '../contracts/trainer';
import { isSrlError } from '../errors';
import type { PluginRegistry } from '../plugins/plugin-registry';
import type { Recipe } from '../recipe/recipe';

export interface StagePromptCheck {
  /** What `srl train` would refuse or silently lose: prompts over the model's context, a stage left with no data. */
  problems: string[];
  /** What training will leave out by design, said before it runs: prompts over maxPromptTokens, malformed rows. */
  notes: string[];
}

const quiet: Logger = { log: () => {}, metrics: () => {}, progress: () => {} };

/**
 * Loads every stage's training split with the recipe policy's tokenizer and chat template (its plugin's
 * `promptEncoder`: no weights are read or created) and measures the prompts as training will. A policy
 * plugin without a `promptEncoder`, or a trainer without `instances()`, is not checked.
 */
export async function checkStagePrompts(recipe: Recipe, registry: PluginRegistry): Promise<StagePromptCheck> {
  const deps = { logger: quiet, baseDir: path.dirname(recipe.file) };
  const out: StagePromptCheck = { problems: [], notes: [] };
  if (!recipe.stages.length) return out;
  const policy = await registry.promptEncoder(recipe.policy, deps);
  if (!policy) return out;
  // Stages often train on the same prompts (SFT then SRL): each text is tokenized once.
  const tokens = new Map<string, number[]>();
  const encoder: PromptEncoder = {
    contextLength: policy.contextLength,
    formatPrompt: (prompt) => policy.formatPrompt(prompt),
    tokenize: (text) => tokens.get(text) ?? tokens.set(text, policy.tokenize(text)).get(text)!,
  };
  const seen = new Set<string>();
  for (const stage of recipe.stages) {
    // Stages that load the same data the same way (SRL then RLVR on one task) are measured once.
    const key = JSON.stringify([stage.task, stage.trainer]);
    if (seen.has(key)) continue;
    seen.add(key);
    const trainer = await registry.create('trainer', stage.trainer, deps, stage.path);
    if (!trainer.instances) continue;
    const task = await registry.create('task', stage.task, deps, `${stage.path}.task`);
    const reports: InstanceReport[] = [];
    try {
      await trainer.instances({ task, policy: encoder, logger: quiet, report: (r) => void reports.push(r) });
    } catch (error) {
      if (!isSrlError(error)) throw error;
      // Reported below when the report explains it (every prompt too long); otherwise as it is.
      if (!reports.some((r) => r.instances === 0 && r.skipped['prompt-too-long'])) out.problems.push(`${stage.path}: ${error.message}`);
    } finally {
      await task.dispose?.();
    }
    for (const r of reports) describe(r, `${stage.path}: ${task.name}/${r.split}`, encoder.contextLength, out);
  }
  return out;
}

function describe(r: InstanceReport, where: string, context: number | undefined, out: StagePromptCheck): void {
  const long = r.skipped['prompt-too-long'] ?? 0;
  const total = r.instances + long;
  const first = r.skippedFirst.filter((s) => s.startsWith('instance ')).join('; ');
  if (long && (r.promptLimit.by === 'maxPositions' || r.instances === 0)) {
    const limit =
      r.promptLimit.by === 'maxPositions'
        ? `the model's maxPositions ${context} (a prompt may have ${r.promptLimit.tokens} tokens, leaving one to answer)`
        : `maxPromptTokens ${r.promptLimit.tokens}`;
    out.problems.push(
      `${where}: ${long} of ${total} ${r.kind} prompts are longer than ${limit}; the longest has ${r.longestPrompt} tokens. ` +
        `Training would ${r.instances === 0 ? 'have nothing to train on' : 'drop them'}. Raise policy.options.config.maxPositions (to at least ${r.longestPrompt + 1}), ` +
        `set the stage's maxPromptTokens to ${r.promptLimit.tokens} or less to leave them out on purpose, or shorten the prompts (e.g. a shorter systemPrompt); first: ${first}`,
    );
  } else if (long) {
    out.notes.push(
      `${where}: ${long} of ${total} ${r.kind} prompts are over maxPromptTokens ${r.promptLimit.tokens} (the longest has ${r.longestPrompt} tokens) and will be left out`,
    );
  }
  const malformed = r.skipped.malformed ?? 0;
  if (malformed)
    out.notes.push(`${where}: ${malformed} malformed rows will be left out (first: ${r.skippedFirst.filter((s) => !s.startsWith('instance ')).join('; ')})`);
}
