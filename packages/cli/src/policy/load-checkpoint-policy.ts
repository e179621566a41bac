import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { SrlError, type Logger } from '@srl/core';
import { TfjsTransformerPolicy, tfjsTransformerPlugin, type TfjsTransformerPolicyOptions } from '@srl/policies';

/** True when `p` is a folder holding a Hugging Face checkpoint (config.json). */
export function isCheckpointDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory() && existsSync(path.join(p, 'config.json'));
}

/** The tfjs policy of a checkpoint folder (weights, tokenizer and chat template as saved), with the plugin's defaults. */
export async function loadCheckpointPolicy(dir: string, o: { backend?: string; logger: Logger }): Promise<TfjsTransformerPolicy> {
  if (!isCheckpointDir(dir))
    throw new SrlError(
      'usage',
      `${dir} is not a checkpoint folder (no config.json); pass a folder written by srl train (stages/<i>/checkpoints/...) or a Hugging Face model folder`,
    );
  const options = {
    ...tfjsTransformerPlugin.defaults,
    checkpoint: path.resolve(dir),
    ...(o.backend ? { backend: o.backend } : {}),
  } as TfjsTransformerPolicyOptions;
  return TfjsTransformerPolicy.create(options, { logger: o.logger });
}
