/**
 * The trainers' options, declared once (schema, type and defaults): `sft` and `grpo` with the SRL
 * paper's defaults at 7B scale (App. B.1); the presets in trainer-plugins.ts override defaults only.
 */
import { Default, PluginRefType, StringEnum, Type, type PluginOptions } from '../plugins/options-schema';
import { DEFAULT_MAX_OVERSAMPLE, DEFAULT_MAX_SAMPLING_ROUNDS } from './dynamic-sampling';

const int = (minimum: number, description?: string) => Type.Integer({ minimum, ...(description ? { description } : {}) });
const schedule = StringEnum(['constant', 'cosine', 'linear']);
const warmupStyle = StringEnum(['srl', 'hf'], {
  description: 'srl: step s < W at lr (s+1)/W, W rounded; hf (Hugging Face, TRL): lr s/W (first step 0), W rounded up',
});

/** Options both trainers share, in the order editors list them. */
function common(d: { lr: number; schedule: 'constant' | 'cosine' | 'linear'; warmup: number; epochs: number; validateEvery: number; checkpointEvery: number }) {
  return {
    split: Default(Type.String({ description: 'task split to train on' }), 'train'),
    limit: Type.Optional(int(1, 'use only the first N examples')),
    microBatchSize: Type.Optional(int(1, 'sequences per forward/backward (gradient accumulation)')),
    epochs: Default(Type.Number({ exclusiveMinimum: 0, description: 'training length in epochs over the instances' }), d.epochs),
    lr: Default(Type.Number({ exclusiveMinimum: 0, description: 'peak learning rate' }), d.lr),
    schedule: Default(schedule, d.schedule),
    warmup: Default(Type.Number({ minimum: 0, description: 'warmup: fraction of steps (< 1) or steps (>= 1)' }), d.warmup),
    warmupStyle: Default(warmupStyle, 'srl'),
    maxGradNorm: Default(Type.Number({ minimum: 0, description: 'clip the global gradient norm; 0 = off' }), 1),
    maxPromptTokens: Default(int(1, 'instances with longer prompts are dropped (logged)'), 4096),
    validationSplit: Type.Optional(Type.String({ description: 'held-out split for validation (the task metric, greedy)' })),
    validationLimit: Default(int(1), 60),
    validateEvery: Default(int(0, 'validate every N steps (0 = never); best checkpoint kept'), d.validateEvery),
    validationMaxTokens: Default(int(1), 1024),
    checkpointEvery: Default(int(0, 'atomic checkpoint every N steps (0 = only at the end and on stop)'), d.checkpointEvery),
    tokenBudget: Type.Optional(
      int(
        1,
        'end the stage (complete, final checkpoint) after the step at which its tokens/generated + tokens/trained reach this; the step count from epochs is then an upper bound',
      ),
    ),
  };
}

/** `sft`: masked cross-entropy (paper: lr 5e-6, batch 64, cosine, warmup 0.3, 3 epochs). */
export const sftOptions = Type.Object(
  {
    ...common({ lr: 5e-6, schedule: 'cosine', warmup: 0.3, epochs: 3, validateEvery: 0, checkpointEvery: 100 }),
    instances: Default(
      StringEnum(['sft', 'srl', 'sft+srl'], { description: 'sft: whole solutions; srl: step-wise instances; sft+srl: both, shuffled together' }),
      'sft',
    ),
    completionTemplate: Default(Type.String({ description: 'target text; {reference} is the expert text, {title} the step title' }), '{reference}'),
    batchSize: Default(int(1), 64),
    maxCompletionTokens: Default(int(1), 4096),
  },
  { additionalProperties: false },
);
export type SftOptions = PluginOptions<typeof sftOptions>;

/** `grpo` (and its presets `srl`, `rlvr`): GRPO with SRL's dynamic sampling (paper: 8 rollouts, batch 512, lr 5e-7). */
export const grpoOptions = Type.Object(
  {
    ...common({ lr: 5e-7, schedule: 'constant', warmup: 0, epochs: 30, validateEvery: 50, checkpointEvery: 50 }),
    instances: Default(StringEnum(['srl', 'rlvr'], { description: 'srl: step-wise instances; rlvr: whole problems' }), 'srl'),
    reward: Default(PluginRefType({ description: 'reward used when the recipe gives the stage none' }), 'step-similarity'),
    groupSize: Default(int(2, 'rollouts per instance (G)'), 8),
    batchSize: Default(int(1, 'groups per optimizer batch, after dynamic sampling'), 512),
    miniBatchSize: Type.Optional(int(1, 'groups per policy update: the batch is split into batchSize / miniBatchSize updates, ppoEpochs times')),
    ppoEpochs: Default(int(1, 'policy updates per batch (μ)'), 1),
    temperature: Default(
      Type.Number({ exclusiveMinimum: 0, description: 'rollout temperature; training, reference and sampling log-probs all use logits / T (TRL, verl)' }),
      1,
    ),
    topP: Default(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), 1),
    maxTokens: Default(int(1, 'max completion tokens per rollout'), 1024),
    stop: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    clipLow: Default(Type.Number({ minimum: 0, maximum: 1 }), 0.2),
    clipHigh: Default(Type.Number({ minimum: 0 }), 0.2),
    klBeta: Default(Type.Number({ minimum: 0, description: 'KL coefficient to the reference (k3); 0 = off' }), 0),
    aggregation: Default(StringEnum(['token-mean', 'sequence-mean']), 'token-mean'),
    scaleAdvantagesByStd: Default(Type.Boolean({ description: '(r - mean) / (std + advantageEpsilon); false: r - mean' }), true),
    advantageStd: Default(
      StringEnum(['population', 'sample'], { description: 'population (srl default) or sample (Bessel, TRL and verl) std of the advantages' }),
      'population',
    ),
    advantageEpsilon: Default(Type.Number({ minimum: 0, description: 'epsilon added to the advantage std (srl and verl 1e-6, TRL 1e-4)' }), 1e-6),
    klRatioCorrection: Default(Type.Boolean({ description: "k3 KL times the ratio exp(logp - old) (TRL's use_bias_correction_kl); default false" }), false),
    dynamicSampling: Default(Type.Boolean(), true),
    epsilon: Default(Type.Number({ minimum: 0, description: 'dynamic sampling: keep groups with reward population std > epsilon (paper: unspecified)' }), 1e-4),
    maxSamplingRounds: Default(
      int(1, 'cap on dynamic-sampling rounds per batch (default 44: expected fill >= 99% at filter rate 0.9)'),
      DEFAULT_MAX_SAMPLING_ROUNDS,
    ),
    maxOversample: Default(
      Type.Number({ minimum: 1, description: 'later rounds ask missing / keep rate groups, at most this many per missing group' }),
      DEFAULT_MAX_OVERSAMPLE,
    ),
  },
  { additionalProperties: false },
);
export type GrpoOptions = PluginOptions<typeof grpoOptions>;
