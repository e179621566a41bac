import path from 'node:path';
import { SrlError, writeFileAtomic, type Logger } from '@srl/core';
import { instanceRow } from '../data/instance-row';
import { engineJsonl } from '../export/engine-jsonl';
import { verlParquet } from '../export/verl-parquet';
import { loadRecipeInstances } from '../data/load-recipe-instances';

export const EXPORT_FORMATS = ['verl', 'trl', 'openrlhf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  stage?: number;
  split?: string;
  ability?: string;
  backend?: string;
}

/**
 * `srl export <recipe> --format verl|trl|openrlhf --out FILE`: a stage's training instances (as
 * `srl data instances` lists them) in another engine's dataset layout; the reference (SRL: the
 * expert step) goes where that engine hands ground truth to its reward.
 */
export async function exportCommand(file: string, opts: ExportOptions, logger: Logger): Promise<number> {
  if (!EXPORT_FORMATS.includes(opts.format)) throw new SrlError('usage', `--format must be one of ${EXPORT_FORMATS.join(', ')}, found "${opts.format}"`);
  const loaded = await loadRecipeInstances(file, opts, logger);
  const rows = loaded.instances.map(instanceRow);
  const dataSource = loaded.task.name;
  const out = path.resolve(opts.out);
  if (opts.format === 'verl') {
    const ability = opts.ability ?? dataSource.split('/')[0];
    await writeFileAtomic(out, verlParquet(rows, { dataSource, ability, split: loaded.split }));
  } else {
    await writeFileAtomic(out, engineJsonl(opts.format, rows, { dataSource }));
  }
  logger.log('info', `${rows.length} ${loaded.task.name}/${loaded.split} instances of stage ${loaded.stage} -> ${out} (${opts.format})`);
  return 0;
}
