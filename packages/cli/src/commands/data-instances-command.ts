import { loadRecipe, loadStageInstances, type InstanceKind, type Logger } from '@srl/core';
import { instanceRow } from '../data/instance-row';
import { createPluginEnvironment } from '../plugin-environment';

export interface DataInstancesOptions {
  stage?: number;
  kind?: InstanceKind;
  split?: string;
  limit?: number;
  backend?: string;
}

/**
 * `srl data instances <recipe>`: one JSON line `{id, messages, reference, metadata}` per instance
 * of a stage, loaded by the stage's trainer as `srl train` loads them (same order, same filters).
 */
export async function dataInstancesCommand(file: string, opts: DataInstancesOptions, logger: Logger, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const env = await createPluginEnvironment({ discover: false });
  const recipe = await loadRecipe(file, env);
  const loaded = await loadStageInstances({
    recipe,
    registry: env.registry,
    logger,
    ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
    ...(opts.split ? { split: opts.split } : {}),
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.backend ? { policyOverrides: { backend: opts.backend } } : {}),
  });
  const shown = opts.limit !== undefined ? loaded.instances.slice(0, opts.limit) : loaded.instances;
  for (const t of shown) out.write(`${JSON.stringify(instanceRow(t))}\n`);
  return 0;
}
