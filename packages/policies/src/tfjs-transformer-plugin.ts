import { existsSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, isSrlError } from '@srl/core';
import { transformerPreset } from './model/presets';
import { validateTransformerConfig } from './model/validate-config';
import { tfjsTransformerOptions } from './tfjs-transformer-options';
import { TfjsTransformerPolicy } from './tfjs-transformer-policy';
import { TokenizerPromptEncoder } from './tokenizer-prompt-encoder';

/** `tfjs-transformer`: the in-process TensorFlow.js policy (GPU through tfjs-node-gpu when installed). */
export const tfjsTransformerPlugin = definePlugin({
  kind: 'policy',
  name: 'tfjs-transformer',
  description: 'TensorFlow.js decoder-only transformer (GPT-2 / Llama / Qwen2), from a preset or a Hugging Face checkpoint',
  options: tfjsTransformerOptions,
  create: (options, deps) => TfjsTransformerPolicy.create(options, { logger: deps.logger, baseDir: deps.baseDir }),
  promptEncoder: (options, deps) => TokenizerPromptEncoder.fromOptions(options, deps.baseDir),
  check: (options, context) => {
    const problems: string[] = [];
    if (options.checkpoint) {
      const dir = path.resolve(context.baseDir, options.checkpoint);
      if (!existsSync(path.join(dir, 'config.json'))) problems.push(`checkpoint: ${dir} holds no config.json (a Hugging Face checkpoint folder is expected)`);
    } else {
      // The token ids come from the tokenizer at creation; everything else is known now.
      const config = { ...transformerPreset(options.preset), ...options.config, bosTokenId: null, eosTokenId: null };
      try {
        validateTransformerConfig(config);
      } catch (error) {
        problems.push(...(isSrlError(error) && error.details.length ? error.details.map((d) => `config: ${d}`) : [(error as Error).message]));
      }
    }
    if (options.tokenizer && options.tokenizer !== 'byte' && !existsSync(path.resolve(context.baseDir, options.tokenizer))) {
      problems.push(`tokenizer: ${path.resolve(context.baseDir, options.tokenizer)} does not exist ("byte", or a folder with tokenizer.json)`);
    }
    return problems;
  },
});
