/** The options of the `tfjs-transformer` policy plugin, declared once (schema, type, defaults). */
import { Default, StringEnum, Type, type PluginOptions } from '@srl/core';
import { TRANSFORMER_PRESETS } from './model/presets';
import { KERNEL_CHOICES } from './kernels/select-kernels';
import { transformerConfigSchema } from './model/transformer-config';

export const tfjsTransformerOptions = Type.Object(
  {
    /** Ignored with `checkpoint`, whose config.json wins. */
    preset: Default(StringEnum(Object.keys(TRANSFORMER_PRESETS), { description: 'starting config' }), 'llama-tiny'),
    /** Field overrides on the preset, minGPT-style; the token ids come from the tokenizer. */
    config: Default(
      Type.Partial(Type.Omit(transformerConfigSchema, ['bosTokenId', 'eosTokenId']), { description: 'overrides on the preset', additionalProperties: false }),
      {},
    ),
    /** A Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json) to start from. */
    checkpoint: Type.Optional(Type.String({ minLength: 1, description: 'Hugging Face checkpoint folder to start from (relative to the recipe)' })),
    /** Default: the checkpoint's tokenizer, else 'byte'. */
    tokenizer: Type.Optional(Type.String({ minLength: 1, description: '"byte" or a folder with tokenizer.json' })),
    chatTemplate: Type.Optional(Type.String({ minLength: 1, description: 'chatml, qwen2, llama-2, llama-3, plain, or Jinja source' })),
    backend: Default(StringEnum(['auto', 'tensorflow', 'wasm', 'cpu'], { description: 'auto: tfjs-node-gpu, tfjs-node, wasm, cpu' }), 'auto'),
    /**
     * The kernel set the model runs on (kernels/select-kernels.ts): 'auto' the backend's own set (wasm, tensorflow),
     * else the reference set; 'reference' the pure tfjs ops on any backend (same results, slower).
     */
    kernels: Default(
      StringEnum([...KERNEL_CHOICES], {
        description: "auto: the backend's own kernels (wasm, tensorflow), else the reference (pure tfjs) kernels",
      }),
      'auto',
    ),
    /**
     * Where `generate` samples (generation/wasm-generation-copy.ts): 'same' the training backend; 'wasm' a copy of
     * the weights on the wasm backend in the same process, refreshed once after each update, with the fused wasm
     * decode kernels (on tensorflow each decode step is otherwise ~280 small kernel calls across N-API), the prompts'
     * prefill still on the training backend (one pass whose products are faster there; its keys and values are then
     * copied to wasm); 'auto' wasm when the backend is tensorflow, else same. Scoring and training stay on the
     * training backend.
     */
    generationBackend: Default(
      StringEnum(['auto', 'same', 'wasm'], {
        description: 'where generate() samples: auto = a wasm copy of the weights when the backend is tensorflow, else the training backend (same)',
      }),
      'auto',
    ),
    seed: Default(Type.Integer({ description: 'weight initialisation and sampling seed' }), 0),
    weightDecay: Default(Type.Number({ minimum: 0, description: 'AdamW decoupled weight decay' }), 0),
    /** 'F32' is bit-exact. */
    saveDtype: Default(StringEnum(['F32', 'F16', 'BF16'], { description: 'weight dtype of saved checkpoints' }), 'F32'),
    /** Bounds memory for long validation sets. */
    scoreBatchSize: Default(Type.Integer({ minimum: 1, description: 'sequences per forward pass when scoring' }), 16),
    /**
     * A train step or scoring call that would need more is split into micro-batches (gradient accumulation; same
     * result to float rounding). Default 256: the wasm heap never shrinks, and stops at 4 GiB.
     */
    memoryBudgetMb: Default(
      Type.Number({
        minimum: 0,
        description:
          'estimated activation memory per forward/backward pass (MB): larger batches are split into micro-batches (same result) unless the trainer sets microBatchSize; 0 = no limit',
      }),
      256,
    ),
    /**
     * Threads that compute a train step's micro-batch gradients (data parallel: the main thread plus workers - 1
     * worker threads, each with a replica; gradients summed in micro-batch order, one AdamW step on the main copy)
     * and sample a generate call's prompts (shared between the threads; the same samples as one thread).
     * 'auto': the available cores on the wasm and cpu backends, 1 on tensorflow (already multi-threaded).
     */
    workers: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), StringEnum(['auto'])], {
        description:
          "threads computing a train step's micro-batch gradients (data parallel, one AdamW step on the main copy) and sampling a generate call's prompts (same samples as one thread); auto = available cores on wasm/cpu",
      }),
    ),
  },
  { additionalProperties: false },
);

export type TfjsTransformerPolicyOptions = PluginOptions<typeof tfjsTransformerOptions>;
