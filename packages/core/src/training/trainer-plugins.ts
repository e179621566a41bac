/**
 * The trainer plugins: `sft`, `grpo`, and its named presets `srl` and `rlvr` with the paper's
 * defaults at 7B scale (App. B.1), plus `*-tiny` presets scaled down for the local tiny models.
 */
import { definePlugin, type AnyPluginDefinition } from '../plugins/define-plugin';
import { withDefaults } from '../plugins/options-schema';
import { GrpoTrainer } from './grpo-trainer';
import { SftTrainer } from './sft-trainer';
import { grpoOptions, sftOptions, type GrpoOptions, type SftOptions } from './trainer-options';

const tiny = {
  lr: 1e-3,
  maxTokens: 48,
  maxPromptTokens: 1024,
  epochs: 1,
  validationLimit: 16,
  validationMaxTokens: 96,
  checkpointEvery: 10,
  validateEvery: 0,
} as const;

// RLVR baseline: whole problems, final-answer reward, batch 128, DAPO filtering (drop all-same groups: std > 0).
const rlvrPaper: Partial<GrpoOptions> = { instances: 'rlvr', reward: 'math-answer', batchSize: 128, epsilon: 0 };

function sft(name: string, description: string, defaults: Partial<SftOptions> = {}): AnyPluginDefinition {
  return definePlugin({ kind: 'trainer', name, description, options: withDefaults(sftOptions, defaults), create: (o) => new SftTrainer(o) });
}

function grpo(name: string, description: string, defaults: Partial<GrpoOptions> = {}): AnyPluginDefinition {
  return definePlugin({
    kind: 'trainer',
    name,
    description,
    options: withDefaults(grpoOptions, defaults),
    references: (o) => [{ kind: 'reward', ref: o.reward, path: 'reward' }],
    create: (o) => new GrpoTrainer(name, o),
  });
}

export const trainerPlugins: AnyPluginDefinition[] = [
  sft('sft', 'supervised fine-tuning, masked cross-entropy (paper: lr 5e-6, batch 64, cosine, warmup 0.3, 3 epochs)'),
  sft('sft-tiny', 'sft scaled down for tiny local models (lr 1e-3, batch 8, 1 epoch)', {
    batchSize: 8,
    epochs: 1,
    lr: 1e-3,
    warmup: 0.1,
    maxPromptTokens: 1024,
    maxCompletionTokens: 256,
    checkpointEvery: 10,
    validationLimit: 16,
  }),
  grpo('grpo', 'GRPO with dynamic sampling; set instances and reward yourself'),
  grpo('srl', 'SRL: GRPO over step-wise instances with step-similarity (paper: 8 rollouts, batch 512, lr 5e-7)'),
  grpo('rlvr', 'RLVR: GRPO over whole problems with math-answer (paper: 8 rollouts, batch 128, lr 5e-7, DAPO filter)', rlvrPaper),
  grpo('srl-tiny', 'srl scaled down for tiny local models (batch 4 groups of 8, lr 1e-3, 48 tokens)', { ...tiny, batchSize: 4 }),
  grpo('rlvr-tiny', 'rlvr scaled down for tiny local models (batch 4 groups of 8, lr 1e-3, 48 tokens)', { ...rlvrPaper, ...tiny, batchSize: 4 }),
];
