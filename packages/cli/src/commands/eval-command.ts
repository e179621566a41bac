import { SrlError, type Logger } from '@srl/core';
import { loadValidRecipe } from './validate-command';

/** `srl eval <recipe>`. */
export async function evalCommand(file: string, _opts: { out?: string; checkpoint?: string; limit?: number; backend?: string }, _logger: Logger): Promise<number> {
  await loadValidRecipe(file);
  throw new SrlError('not-available', 'srl eval: the evaluation harness is not available yet in this version; the recipe is valid (`srl validate` passes)');
}
