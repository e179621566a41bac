import type { Recipe } from '../recipe/recipe';

/** A recipe as recorded in a run folder's recipe.json: where the file lives and the output folder are not part of the run. */
export function recordedRecipe(recipe: Recipe): Record<string, unknown> {
  const { file: _file, output: _output, ...rest } = recipe;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** Paths (`stages[1].trainer[1].epochs`) where two JSON values differ, in document order. */
export function changedPaths(before: unknown, after: unknown, at = ''): string[] {
  if (Object.is(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after);
  if (bothArrays) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...changedPaths(before[i], after[i], `${at}[${i}]`));
    return out;
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => changedPaths(before[k], after[k], at ? `${at}.${k}` : k));
  }
  return [at || '(whole recipe)'];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Which changes `--allow-recipe-change` may accept on resume: settings of stages that have not
 * completed (more epochs, another lr) and new stages at the end, plus description and eval.
 * The policy, the seed, the plugins and anything about a completed stage are part of what the
 * folder already holds, so they never change.
 */
export function unsafeChanges(paths: string[], completedStages: number): string[] {
  return paths.filter((p) => {
    if (/^(description|eval)\b/.test(p)) return false;
    const stage = /^stages\[(\d+)\]/.exec(p);
    if (stage) return Number(stage[1]) < completedStages || /^stages\[\d+\]\.(name|path)$/.test(p);
    return true; // policy, seed, plugins, name, top-level task and rewards (used by stages already run)
  });
}
