import { totalmem } from 'node:os';
import { SrlError } from '@srl/core/base';
import type { TransformerConfig } from './transformer-config';

/** Upper bounds on each dimension, far above any model this runtime can train, so that a hostile config fails before allocating. */
const LIMITS = {
  vocabSize: 1 << 20,
  hiddenSize: 1 << 15,
  numLayers: 1024,
  numHeads: 1024,
  numKvHeads: 1024,
  intermediateSize: 1 << 18,
  maxPositions: 1 << 20,
} as const;

/** Parameters of a config, counted from its dimensions alone (no per-layer lists). */
export function estimateParameters(c: TransformerConfig): number {
  const kv = (c.hiddenSize / c.numHeads) * c.numKvHeads;
  const perLayer =
    c.hiddenSize * (c.hiddenSize + 2 * kv) + c.hiddenSize * c.hiddenSize + (c.mlp === 'swiglu' ? 3 : 2) * c.hiddenSize * c.intermediateSize + 4 * c.hiddenSize;
  return c.vocabSize * c.hiddenSize * (c.tieEmbeddings ? 1 : 2) + (c.positions === 'learned' ? c.maxPositions * c.hiddenSize : 0) + c.numLayers * perLayer;
}

/**
 * Dimensions over the limits, or a model whose weights alone (4 bytes a parameter; training adds
 * gradients and two Adam moments) exceed this machine's memory. Checked before anything is allocated.
 */
export function sizeProblems(config: TransformerConfig): string[] {
  const problems: string[] = [];
  for (const [key, limit] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    if (config[key] > limit) problems.push(`${key}: ${config[key]}, expected at most ${limit}`);
  }
  if (problems.length) return problems;
  const bytes = 4 * estimateParameters(config);
  if (bytes > totalmem())
    problems.push(
      `about ${(estimateParameters(config) / 1e9).toFixed(1)}B parameters need ${(bytes / 2 ** 30).toFixed(1)} GiB for the weights alone, more than this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    );
  return problems;
}

/** Checks a config for consistency; throws SrlError('validation') listing every problem. */
export function validateTransformerConfig(config: TransformerConfig): TransformerConfig {
  const problems: string[] = [];
  const positiveInt = (key: keyof TransformerConfig): void => {
    const v = config[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) problems.push(`${key}: ${JSON.stringify(v)}, expected a positive integer`);
  };
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'numKvHeads', 'intermediateSize', 'maxPositions'] as const) positiveInt(key);
  if (problems.length === 0) problems.push(...sizeProblems(config));
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
  if (config.positions === 'rope' && (config.hiddenSize / config.numHeads) % 2 !== 0)
    problems.push(`head size ${config.hiddenSize / config.numHeads} must be even for RoPE`);
  if (
    config.family === 'gpt2' &&
    (config.norm !== 'layernorm' || config.positions !== 'learned' || config.mlp !== 'gelu' || config.numKvHeads !== config.numHeads)
  ) {
    problems.push(
      'family gpt2 needs norm layernorm, positions learned, mlp gelu and numKvHeads = numHeads (the GPT-2 weight layout has no place for the others)',
    );
  }
  if (config.family === 'gpt2' && config.qkvBias !== config.linearBias) problems.push('family gpt2 has one bias switch: set qkvBias = linearBias');
  for (const key of ['bosTokenId', 'eosTokenId'] as const) {
    const v = config[key];
    if (v !== null && !(Number.isInteger(v) && v >= 0 && v < config.vocabSize))
      problems.push(`${key}: ${JSON.stringify(v)}, expected null or a token id below vocabSize ${config.vocabSize}`);
  }
  if (problems.length > 0) {
    throw new SrlError('validation', `invalid transformer config: ${problems.join('; ')}`, { details: problems });
  }
  return config;
}
