/**
 * The trainer plugins: `sft`, `grpo`, and its named presets `srl` and `rlvr` with the paper's
 * defaults at 7B scale (App. B.1), plus `*-tiny` presets scaled down for the local tiny models.
 */
import { definePlugin, type AnyPluginDefinition, type OptionsSchema } from '../plugins/define-plugin';
import { pluginRefSchema } from '../recipe/recipe-schema';
import { DEFAULT_MAX_OVERSAMPLE, DEFAULT_MAX_SAMPLING_ROUNDS } from './dynamic-sampling';
import { GrpoTrainer, type GrpoOptions } from './grpo-trainer';
import { SftTrainer, type SftOptions } from './sft-trainer';

const common = {
  split: { type: 'string', description: 'task split to train on' },
  limit: { type: 'integer', minimum: 1, description: 'use only the first N examples' },
  microBatchSize: { type: 'integer', minimum: 1, description: 'sequences per forward/backward (gradient accumulation)' },
  epochs: { type: 'number', exclusiveMinimum: 0 },
  lr: { type: 'number', exclusiveMinimum: 0, description: 'peak learning rate' },
  schedule: { type: 'string', enum: ['constant', 'cosine', 'linear'] },
  warmup: { type: 'number', minimum: 0, description: 'warmup: fraction of steps (< 1) or steps (>= 1)' },
  warmupStyle: { type: 'string', enum: ['srl', 'hf'], description: 'srl: step s < W at lr (s+1)/W, W rounded; hf (Hugging Face, TRL): lr s/W (first step 0), W rounded up' },
  maxGradNorm: { type: 'number', minimum: 0, description: 'clip the global gradient norm; 0 = off' },
  maxPromptTokens: { type: 'integer', minimum: 1, description: 'instances with longer prompts are dropped (logged)' },
  validationSplit: { type: 'string', description: 'held-out split for validation (the task metric, greedy)' },
  validationLimit: { type: 'integer', minimum: 1 },
  validateEvery: { type: 'integer', minimum: 0, description: 'validate every N steps (0 = never); best checkpoint kept' },
  validationMaxTokens: { type: 'integer', minimum: 1 },
  checkpointEvery: { type: 'integer', minimum: 0, description: 'atomic checkpoint every N steps (0 = only at the end and on stop)' },
} as const;

const sftSchema: OptionsSchema = {
  type: 'object',
  properties: {
    ...common,
    instances: { type: 'string', enum: ['sft', 'srl', 'sft+srl'], description: 'sft: whole solutions; srl: step-wise instances; sft+srl: both, shuffled together' },
    completionTemplate: { type: 'string', description: 'target text; {reference} is the expert text, {title} the step title' },
    batchSize: { type: 'integer', minimum: 1 },
    maxCompletionTokens: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
};

const grpoSchema: OptionsSchema = {
  type: 'object',
  properties: {
    ...common,
    instances: { type: 'string', enum: ['srl', 'rlvr'], description: 'srl: step-wise instances; rlvr: whole problems' },
    reward: { ...pluginRefSchema, description: 'reward used when the recipe gives the stage none' },
    groupSize: { type: 'integer', minimum: 2, description: 'rollouts per instance (G)' },
    batchSize: { type: 'integer', minimum: 1, description: 'groups per optimizer batch, after dynamic sampling' },
    miniBatchSize: { type: 'integer', minimum: 1, description: 'groups per policy update' },
    ppoEpochs: { type: 'integer', minimum: 1, description: 'policy updates per batch (μ)' },
    temperature: { type: 'number', exclusiveMinimum: 0, description: 'rollout temperature; training, reference and sampling log-probs all use logits / T (TRL, verl)' },
    topP: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    maxTokens: { type: 'integer', minimum: 1, description: 'max completion tokens per rollout' },
    stop: { type: 'array', items: { type: 'string', minLength: 1 } },
    clipLow: { type: 'number', minimum: 0, maximum: 1 },
    clipHigh: { type: 'number', minimum: 0 },
    klBeta: { type: 'number', minimum: 0, description: 'KL coefficient to the reference (k3); 0 = off' },
    aggregation: { type: 'string', enum: ['token-mean', 'sequence-mean'] },
    scaleAdvantagesByStd: { type: 'boolean', description: '(r - mean) / (std + advantageEpsilon); false: r - mean' },
    advantageStd: { type: 'string', enum: ['population', 'sample'], description: 'population (srl default) or sample (Bessel, TRL and verl) std of the advantages' },
    advantageEpsilon: { type: 'number', minimum: 0, description: 'epsilon added to the advantage std (srl and verl 1e-6, TRL 1e-4)' },
    klRatioCorrection: { type: 'boolean', description: "k3 KL times the ratio exp(logp - old) (TRL's use_bias_correction_kl); default false" },
    dynamicSampling: { type: 'boolean' },
    epsilon: { type: 'number', minimum: 0, description: 'dynamic sampling: keep groups with reward population std > epsilon' },
    maxSamplingRounds: { type: 'integer', minimum: 1, description: 'cap on dynamic-sampling rounds per batch (default 44: expected fill >= 99% at filter rate 0.9)' },
    maxOversample: { type: 'number', minimum: 1, description: 'later rounds ask missing / keep rate groups, at most this many per missing group' },
  },
  additionalProperties: false,
};

const sftDefaults: SftOptions = {
  instances: 'sft',
  completionTemplate: '{reference}',
  split: 'train',
  batchSize: 64,
  epochs: 3,
  lr: 5e-6,
  schedule: 'cosine',
  warmup: 0.3,
  warmupStyle: 'srl',
  maxGradNorm: 1,
  maxPromptTokens: 4096,
  maxCompletionTokens: 4096,
  validationLimit: 60,
  validateEvery: 0,
  validationMaxTokens: 1024,
  checkpointEvery: 100,
};

const grpoDefaults: GrpoOptions = {
  instances: 'srl',
  reward: 'step-similarity',
  split: 'train',
  groupSize: 8,
  batchSize: 512,
  ppoEpochs: 1,
  temperature: 1,
  topP: 1,
  maxTokens: 1024,
  maxPromptTokens: 4096,
  lr: 5e-7,
  schedule: 'constant',
  warmup: 0,
  warmupStyle: 'srl',
  maxGradNorm: 1,
  clipLow: 0.2,
  clipHigh: 0.2,
  klBeta: 0,
  aggregation: 'token-mean',
  scaleAdvantagesByStd: true,
  advantageStd: 'population',
  advantageEpsilon: 1e-6,
  klRatioCorrection: false,
  dynamicSampling: true,
  epsilon: 1e-4,
  maxSamplingRounds: DEFAULT_MAX_SAMPLING_ROUNDS,
  maxOversample: DEFAULT_MAX_OVERSAMPLE,
  epochs: 30,
  validationLimit: 60,
  validateEvery: 50,
  validationMaxTokens: 1024,
  checkpointEvery: 50,
};

const tiny = { lr: 1e-3, maxTokens: 48, maxPromptTokens: 1024, epochs: 1, validationLimit: 16, validationMaxTokens: 96, checkpointEvery: 10, validateEvery: 0 } as const;

const srlPaper: GrpoOptions = { ...grpoDefaults };
// RLVR baseline: whole problems, final-answer reward, batch 128, DAPO filtering (drop all-same groups: std > 0).
const rlvrPaper: GrpoOptions = { ...grpoDefaults, instances: 'rlvr', reward: 'math-answer', batchSize: 128, epsilon: 0 };

function sft(name: string, description: string, defaults: SftOptions): AnyPluginDefinition {
  return definePlugin<'trainer', SftOptions>({ kind: 'trainer', name, description, optionsSchema: sftSchema, defaults, create: (o) => new SftTrainer(o) });
}

function grpo(name: string, description: string, defaults: GrpoOptions): AnyPluginDefinition {
  return definePlugin<'trainer', GrpoOptions>({
    kind: 'trainer',
    name,
    description,
    optionsSchema: grpoSchema,
    defaults,
    references: (o) => [{ kind: 'reward', ref: o.reward, path: 'reward' }],
    create: (o) => new GrpoTrainer(name, o),
  });
}

export const trainerPlugins: AnyPluginDefinition[] = [
  sft('sft', 'supervised fine-tuning, masked cross-entropy (paper: lr 5e-6, batch 64, cosine, warmup 0.3, 3 epochs)', sftDefaults),
  sft('sft-tiny', 'sft scaled down for tiny local models (lr 1e-3, batch 8, 1 epoch)', { ...sftDefaults, batchSize: 8, epochs: 1, lr: 1e-3, warmup: 0.1, maxPromptTokens: 1024, maxCompletionTokens: 256, checkpointEvery: 10, validationLimit: 16 }),
  grpo('grpo', 'GRPO with dynamic sampling; set instances and reward yourself', srlPaper),
  grpo('srl', 'SRL: GRPO over step-wise instances with step-similarity (paper: 8 rollouts, batch 512, lr 5e-7)', srlPaper),
  grpo('rlvr', 'RLVR: GRPO over whole problems with math-answer (paper: 8 rollouts, batch 128, lr 5e-7, DAPO filter)', rlvrPaper),
  grpo('srl-tiny', 'srl scaled down for tiny local models (batch 4 groups of 8, lr 1e-3, 48 tokens)', { ...srlPaper, ...tiny, batchSize: 4 }),
  grpo('rlvr-tiny', 'rlvr scaled down for tiny local models (batch 4 groups of 8, lr 1e-3, 48 tokens)', { ...rlvrPaper, ...tiny, batchSize: 4 }),
];
