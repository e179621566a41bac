import { SrlError } from '@srl/core';
import type { TransformerConfig } from './transformer-config';

/** Checks a config for consistency; throws SrlError('validation') listing every problem. */
export function validateTransformerConfig(config: TransformerConfig): TransformerConfig {
  const problems: string[] = [];
  const positiveInt = (key: keyof TransformerConfig): void => {
    const v = config[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) problems.push(`${key}: ${JSON.stringify(v)}, expected a positive integer`);
  };
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'numKvHeads', 'intermediateSize', 'maxPositions'] as const) positiveInt(key);
  const oneOf = (key: keyof TransformerConfig, allowed: readonly unknown[]): void => {
    if (!allowed.includes(config[key])) problems.push(`${key}: ${JSON.stringify(config[key])}, expected one of ${allowed.join(', ')}`);
  };
  oneOf('family', ['gpt2', 'llama', 'qwen2']);
  oneOf('norm', ['layernorm', 'rmsnorm']);
  oneOf('positions', ['learned', 'rope']);
  oneOf('mlp', ['gelu', 'swiglu']);
  for (const key of ['qkvBias', 'linearBias', 'tieEmbeddings'] as const) {
    if (typeof config[key] !== 'boolean') problems.push(`${key}: ${JSON.stringify(config[key])}, expected a boolean`);
  }
  if (!(config.normEps > 0)) problems.push(`normEps: ${config.normEps}, expected > 0`);
  if (config.positions === 'rope' && !(config.ropeTheta > 0)) problems.push(`ropeTheta: ${config.ropeTheta}, expected > 0`);
  if (config.hiddenSize % config.numHeads !== 0) problems.push(`hiddenSize ${config.hiddenSize} is not a multiple of numHeads ${config.numHeads}`);
  if (config.numHeads % config.numKvHeads !== 0) problems.push(`numHeads ${config.numHeads} is not a multiple of numKvHeads ${config.numKvHeads}`);
  if (config.positions === 'rope' && (config.hiddenSize / config.numHeads) % 2 !== 0) problems.push(`head size ${config.hiddenSize / config.numHeads} must be even for RoPE`);
  if (config.family === 'gpt2' && (config.norm !== 'layernorm' || config.positions !== 'learned' || config.mlp !== 'gelu' || config.numKvHeads !== config.numHeads)) {
    problems.push('family gpt2 needs norm layernorm, positions learned, mlp gelu and numKvHeads = numHeads (the GPT-2 weight layout has no place for the others)');
  }
  if (config.family === 'gpt2' && config.qkvBias !== config.linearBias) problems.push('family gpt2 has one bias switch: set qkvBias = linearBias');
  for (const key of ['bosTokenId', 'eosTokenId'] as const) {
    const v = config[key];
    if (v !== null && !(Number.isInteger(v) && v >= 0 && v < config.vocabSize)) problems.push(`${key}: ${JSON.stringify(v)}, expected null or a token id below vocabSize ${config.vocabSize}`);
  }
  if (problems.length > 0) {
    throw new SrlError('validation', `invalid transformer config: ${problems.join('; ')}`, { details: problems });
  }
  return config;
}
