import { existsSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, isSrlError } from '@srl/core';
import { TRANSFORMER_PRESETS, transformerPreset } from './model/presets';
import { validateTransformerConfig } from './model/validate-config';
import { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';
import { TokenizerPromptEncoder } from './tokenizer-prompt-encoder';

const int = (minimum: number) => ({ type: 'integer', minimum }) as const;

/** `tfjs-transformer`: the in-process TensorFlow.js policy (GPU through tfjs-node-gpu when installed). */
export const tfjsTransformerPlugin = definePlugin<'policy', TfjsTransformerPolicyOptions>({
  kind: 'policy',
  name: 'tfjs-transformer',
  description: 'TensorFlow.js decoder-only transformer (GPT-2 / Llama / Qwen2), from a preset or a Hugging Face checkpoint',
  optionsSchema: {
    type: 'object',
    properties: {
      preset: { type: 'string', enum: Object.keys(TRANSFORMER_PRESETS), description: 'starting config' },
      config: {
        type: 'object',
        description: 'overrides on the preset',
        properties: {
          family: { type: 'string', enum: ['gpt2', 'llama', 'qwen2'] },
          vocabSize: int(1),
          hiddenSize: int(1),
          numLayers: int(1),
          numHeads: int(1),
          numKvHeads: int(1),
          intermediateSize: int(1),
          maxPositions: int(2),
          norm: { type: 'string', enum: ['layernorm', 'rmsnorm'] },
          normEps: { type: 'number', exclusiveMinimum: 0 },
          positions: { type: 'string', enum: ['learned', 'rope'] },
          ropeTheta: { type: 'number', exclusiveMinimum: 0 },
          mlp: { type: 'string', enum: ['gelu', 'swiglu'] },
          qkvBias: { type: 'boolean' },
          linearBias: { type: 'boolean' },
          tieEmbeddings: { type: 'boolean' },
        },
        additionalProperties: false,
      },
      checkpoint: { type: 'string', minLength: 1, description: 'Hugging Face checkpoint folder to start from (relative to the recipe)' },
      tokenizer: { type: 'string', minLength: 1, description: '"byte" or a folder with tokenizer.json' },
      chatTemplate: { type: 'string', minLength: 1, description: 'chatml, qwen2, llama-2, llama-3, plain, or Jinja source' },
      backend: { type: 'string', enum: ['auto', 'tensorflow', 'wasm', 'cpu'], description: 'auto: tfjs-node-gpu, tfjs-node, wasm, cpu' },
      seed: { type: 'integer', description: 'weight initialisation and sampling seed' },
      weightDecay: { type: 'number', minimum: 0, description: 'AdamW decoupled weight decay' },
      saveDtype: { type: 'string', enum: ['F32', 'F16', 'BF16'], description: 'weight dtype of saved checkpoints' },
      scoreBatchSize: { type: 'integer', minimum: 1, description: 'sequences per forward pass when scoring' },
      memoryBudgetMb: {
        type: 'number',
        minimum: 0,
        description: 'estimated activation memory per forward/backward pass (MB): larger batches are split into micro-batches (same result) unless the trainer sets microBatchSize; 0 = no limit',
      },
      workers: {
        oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', enum: ['auto'] }],
        description: "threads computing a train step's micro-batch gradients (data parallel, one AdamW step on the main copy); auto = available cores on wasm/cpu",
      },
    },
    additionalProperties: false,
  },
  defaults: { preset: 'llama-tiny', config: {}, backend: 'auto', seed: 0, weightDecay: 0, saveDtype: 'F32', scoreBatchSize: 16, memoryBudgetMb: 256 },
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
