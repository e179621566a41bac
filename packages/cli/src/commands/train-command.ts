import { SrlError, type Logger } from '@srl/core';
import { loadValidRecipe } from './validate-command';

/** `srl train <recipe>`. */
export async function trainCommand(file: string, _opts: { out?: string; maxSteps?: number; resume?: boolean; backend?: string }, _logger: Logger): Promise<number> {
  await loadValidRecipe(file);
  throw new SrlError('not-available', 'srl train: the training engine (sft, srl, rlvr trainers) is not available yet in this version; the recipe is valid (`srl validate` passes)');
}
