import { pluginRefName, readRecipeFile, validateRecipeStructure, type PluginRef } from '@srl/core';

/** What an experiment needs to know of an arm's recipe before any run: its stage count and its policy. */
export interface RecipeOutline {
  stages: number;
  /** The recipe's `policy` as written ([name, options]; plugin defaults are not filled in). */
  policy: [string, Record<string, unknown>];
}

/**
 * Reads a recipe file with core's reader and checks its structure with core's recipe schema, as `srl train`
 * does first, so a broken arm recipe is reported when the experiment loads, not when its run starts after the
 * base has trained. Plugin names and options are not resolved here: the runs set the checkpoint and the seed,
 * and a recipe's checkpoint and data may not exist yet. Returns the outline, or the problems as
 * `<at>: <problem>` lines.
 */
export function readRecipeOutline(file: string, at: string): { outline: RecipeOutline } | { problems: string[] } {
  let data: unknown;
  try {
    data = readRecipeFile(file);
  } catch (error) {
    return { problems: [`${at}: ${(error as Error).message}`] };
  }
  const { recipe, errors } = validateRecipeStructure(data);
  if (errors.length) return { problems: errors.map((e) => `${at}: ${file}: ${e}`) };
  const ref: PluginRef = recipe.policy;
  const options = typeof ref === 'string' ? {} : { ...((ref[1] as Record<string, unknown> | undefined) ?? {}) };
  return { outline: { stages: (recipe.stages ?? []).length, policy: [pluginRefName(ref), options] } };
}
