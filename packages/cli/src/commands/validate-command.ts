import { loadRecipe, pluginRefName, type Recipe } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';

/** Loads and fully validates a recipe (structure, plugin names and options). Throws SrlError('validation'). */
export async function loadValidRecipe(file: string, overrides: readonly string[] = []): Promise<Recipe> {
  const env = await createPluginEnvironment();
  return loadRecipe(file, { ...env, overrides });
}

/** `srl validate <recipe>`: exit 0 when valid, 2 with every problem otherwise. */
export async function validateCommand(file: string, out: NodeJS.WritableStream = process.stdout, overrides: readonly string[] = []): Promise<number> {
  const recipe = await loadValidRecipe(file, overrides);
  const stages = recipe.stages.map((s) => pluginRefName(s.trainer)).join(' -> ');
  const task = recipe.task ? `, task ${pluginRefName(recipe.task)}` : '';
  const evals = recipe.eval ? `, eval ${recipe.eval.benchmarks.map((b) => (b.name === pluginRefName(b.task) ? b.name : `${b.name} (${pluginRefName(b.task)})`)).join(', ')}` : '';
  out.write(`${file}: valid (policy ${pluginRefName(recipe.policy)}${task}, stages ${stages || '(none)'}${evals})\n`);
  return 0;
}
