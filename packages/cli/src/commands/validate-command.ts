import { checkStagePrompts, loadRecipe, pluginRefName, SrlError, type Recipe } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';

/** Loads and fully validates a recipe (structure, plugin names and options). Throws SrlError('validation'). */
export async function loadValidRecipe(file: string, overrides: readonly string[] = []): Promise<Recipe> {
  const env = await createPluginEnvironment();
  return loadRecipe(file, { ...env, overrides });
}

/**
 * `srl validate <recipe>`: exit 0 when valid, 2 with every problem otherwise. After the recipe itself, each
 * stage's prompts are measured with the policy's tokenizer (no weights) against the model's context.
 */
export async function validateCommand(file: string, out: NodeJS.WritableStream = process.stdout, overrides: readonly string[] = []): Promise<number> {
  const env = await createPluginEnvironment();
  const recipe = await loadRecipe(file, { ...env, overrides });
  const prompts = await checkStagePrompts(recipe, env.registry);
  if (prompts.problems.length) {
    const n = prompts.problems.length;
    throw new SrlError('validation', `recipe ${file} is invalid (${n} problem${n === 1 ? '' : 's'}):\n  ${prompts.problems.join('\n  ')}`, {
      details: prompts.problems,
    });
  }
  const stages = recipe.stages.map((s) => pluginRefName(s.trainer)).join(' -> ');
  const task = recipe.task ? `, task ${pluginRefName(recipe.task)}` : '';
  const evals = recipe.eval
    ? `, eval ${recipe.eval.benchmarks.map((b) => (b.name === pluginRefName(b.task) ? b.name : `${b.name} (${pluginRefName(b.task)})`)).join(', ')}`
    : '';
  out.write(`${file}: valid (policy ${pluginRefName(recipe.policy)}${task}, stages ${stages || '(none)'}${evals})\n`);
  for (const note of prompts.notes) out.write(`  note: ${note}\n`);
  return 0;
}
