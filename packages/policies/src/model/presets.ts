import { SrlError } from '@srl/core';
import type { TransformerConfig } from './transformer-config';

const GPT2_BASE: Omit<TransformerConfig, 'hiddenSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'intermediateSize' | 'maxPositions'> = {
  family: 'gpt2',
  vocabSize: 256,
  norm: 'layernorm',
  normEps: 1e-5,
  positions: 'learned',
  ropeTheta: 10000,
  mlp: 'gelu',
  qkvBias: true,
  linearBias: true,
  tieEmbeddings: true,
  bosTokenId: null,
  eosTokenId: null,
};

const LLAMA_BASE: typeof GPT2_BASE = {
  family: 'llama',
  vocabSize: 256,
  norm: 'rmsnorm',
  normEps: 1e-5,
  positions: 'rope',
  ropeTheta: 10000,
  mlp: 'swiglu',
  qkvBias: false,
  linearBias: false,
  tieEmbeddings: true,
  bosTokenId: null,
  eosTokenId: null,
};

/**
 * Named starting points (a recipe overrides fields on top, minGPT-style). Sizes are for the byte-level
 * vocabulary (256); a tokenizer with a larger vocabulary replaces `vocabSize`. Parameter counts (all weights,
 * tied embeddings counted once): see presets.test.ts.
 */
export const TRANSFORMER_PRESETS = {
  /** Tests: 2 layers, hidden 32. */
  'gpt2-tiny': { ...GPT2_BASE, hiddenSize: 32, numLayers: 2, numHeads: 2, numKvHeads: 2, intermediateSize: 128, maxPositions: 128 },
  /** Tests: grouped-query attention (4 heads, 2 KV heads), RoPE, SwiGLU. */
  'llama-tiny': { ...LLAMA_BASE, hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 64, maxPositions: 128 },
  /** Tests: Qwen2 flavour (bias on q/k/v only, untied head). */
  'qwen2-tiny': {
    ...LLAMA_BASE,
    family: 'qwen2',
    normEps: 1e-6,
    ropeTheta: 1000000,
    qkvBias: true,
    tieEmbeddings: false,
    hiddenSize: 32,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 64,
    maxPositions: 128,
  },
  /** The benchmark's reference model: nanoGPT-style, 826k parameters without position embeddings, 64 positions. */
  'gpt2-bench': { ...GPT2_BASE, hiddenSize: 128, numLayers: 4, numHeads: 4, numKvHeads: 4, intermediateSize: 512, maxPositions: 64 },
  /** nanoGPT's shakespeare-char size (~10.8M). */
  'gpt2-10m': { ...GPT2_BASE, hiddenSize: 384, numLayers: 6, numHeads: 6, numKvHeads: 6, intermediateSize: 1536, maxPositions: 256 },
  /** ~24M Llama with GQA. */
  'llama-25m': { ...LLAMA_BASE, hiddenSize: 512, numLayers: 8, numHeads: 8, numKvHeads: 4, intermediateSize: 1408, maxPositions: 1024 },
  /** ~100M Llama (GPT-2-small width and depth, GQA 12/4): 75.7M with the byte vocabulary, 100.1M with a 32k one. */
  'llama-100m': { ...LLAMA_BASE, hiddenSize: 768, numLayers: 12, numHeads: 12, numKvHeads: 4, intermediateSize: 2048, maxPositions: 2048 },
} as const satisfies Record<string, TransformerConfig>;

export type TransformerPresetName = keyof typeof TRANSFORMER_PRESETS;

/** A copy of a preset; throws SrlError('validation') listing the presets for an unknown name. */
export function transformerPreset(name: string): TransformerConfig {
  const preset = (TRANSFORMER_PRESETS as Record<string, TransformerConfig>)[name];
  if (preset === undefined) {
    throw new SrlError('validation', `unknown transformer preset "${name}"; expected one of ${Object.keys(TRANSFORMER_PRESETS).join(', ')}`);
  }
  return { ...preset };
}
