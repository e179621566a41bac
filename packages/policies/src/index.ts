/**
 * @srl/policies: TensorFlow.js transformer policies, tokenizers, safetensors and Hugging Face
 * checkpoints, backend selection. Default export: the ContainerModule that binds this package's plugins.
 */
import { pluginModule } from '@srl/core';
import { plugins } from './plugins';

export { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';
export { tfjsTransformerPlugin } from './tfjs-transformer-plugin';
export { OpenAiCompatiblePolicy, type OpenAiCompatibleOptions } from './remote/openai-compatible-policy';
export { openAiCompatiblePlugin } from './remote/openai-compatible-plugin';
export { Transformer, type TokenBatch, type HfTensor } from './model/transformer';
export type { TransformerConfig } from './model/transformer-config';
export { TRANSFORMER_PRESETS, transformerPreset, type TransformerPresetName } from './model/presets';
export { selectBackend, BACKEND_NAMES, type BackendName } from './backend/select-backend';
export { setupTensorflow, type SetupTensorflowOptions, type SetupTensorflowResult } from './backend/setup/setup-tensorflow';
export { backendReport, type BackendStatus } from './backend/backend-report';
export { generate, type GenerateOptions, type GeneratedSequence } from './generation/generate';
export { AdamW, type AdamWOptions, type AdamWState } from './training/adamw';
export { scoreSequences } from './training/score';
export { trainStep } from './training/train-step';
export * from './checkpoint/index';
export * from './tokenizers/index';
export { plugins };
export default pluginModule(plugins);
