import type { InstanceKind, Logger } from '@srl/core';
import { instanceRow } from '../data/instance-row';
import { loadRecipeInstances } from '../data/load-recipe-instances';

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
export async function dataInstancesCommand(
  file: string,
  opts: DataInstancesOptions,
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const loaded = await loadRecipeInstances(file, opts, logger);
  const shown = opts.limit !== undefined ? loaded.instances.slice(0, opts.limit) : loaded.instances;
  for (const t of shown) out.write(`${JSON.stringify(instanceRow(t))}\n`);
  return 0;
}
