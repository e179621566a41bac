import { loadRecipe, loadStageInstances, type InstanceKind, type Logger } from '@srl/core';
import { createPluginEnvironment } from '../plugin-environment';

export interface RecipeInstancesOptions {
  stage?: number;
  kind?: InstanceKind;
  split?: string;
  backend?: string;
}

/** A recipe stage's training instances as `srl train` loads them (shared by `srl data instances` and `srl export`). */
export async function loadRecipeInstances(file: string, opts: RecipeInstancesOptions, logger: Logger): ReturnType<typeof loadStageInstances> {
  const env = await createPluginEnvironment();
  const recipe = await loadRecipe(file, env);
  return loadStageInstances({
    recipe,
    registry: env.registry,
    logger,
    ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
    ...(opts.split ? { split: opts.split } : {}),
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.backend ? { policyOverrides: { backend: opts.backend } } : {}),
  });
}
