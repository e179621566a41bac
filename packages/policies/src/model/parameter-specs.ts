import type { TransformerConfig } from './transformer-config';

/** How a parameter is initialised for a model trained from scratch (GPT-2 / nanoGPT scheme). */
export type ParameterInit = 'normal' | 'residual' | 'zeros' | 'ones';

/**
 * One weight, named as in Hugging Face checkpoints (`model.layers.0.self_attn.q_proj.weight` for Llama/Qwen2,
 * `h.0.attn.c_attn.weight` for GPT-2). `hfShape` is the shape in the checkpoint; `transposed` says the model
 * keeps it as its transpose (a linear layer's [in, out], so the forward pass is an untransposed product).
 */
export interface ParameterSpec {
  name: string;
  hfShape: number[];
  transposed: boolean;
  init: ParameterInit;
}

/** The shape the model stores a parameter in. */
export function storedShape(spec: ParameterSpec): number[] {
  return spec.transposed ? [spec.hfShape[1], spec.hfShape[0]] : [...spec.hfShape];
}

/** Every parameter of a config, in a fixed order. */
export function parameterSpecs(config: TransformerConfig): ParameterSpec[] {
  return config.family === 'gpt2' ? gpt2Specs(config) : llamaSpecs(config);
}

function llamaSpecs(c: TransformerConfig): ParameterSpec[] {
  const D = c.hiddenSize / c.numHeads;
  const C = c.hiddenSize;
  const specs: ParameterSpec[] = [];
  const add = (name: string, hfShape: number[], transposed: boolean, init: ParameterInit): void => {
    specs.push({ name, hfShape, transposed, init });
  };
  // Tied: the embedding doubles as the output layer, stored [C, V] so that the logits are h @ W.
  add('model.embed_tokens.weight', [c.vocabSize, C], c.tieEmbeddings, 'normal');
  if (c.positions === 'learned') add('model.embed_positions.weight', [c.maxPositions, C], false, 'normal');
  const norm = (prefix: string): void => {
    add(`${prefix}.weight`, [C], false, 'ones');
    if (c.norm === 'layernorm') add(`${prefix}.bias`, [C], false, 'zeros');
  };
  const linear = (prefix: string, out: number, inp: number, bias: boolean, init: ParameterInit): void => {
    add(`${prefix}.weight`, [out, inp], true, init);
    if (bias) add(`${prefix}.bias`, [out], false, 'zeros');
  };
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    norm(`${p}.input_layernorm`);
    linear(`${p}.self_attn.q_proj`, c.numHeads * D, C, c.qkvBias, 'normal');
    linear(`${p}.self_attn.k_proj`, c.numKvHeads * D, C, c.qkvBias, 'normal');
    linear(`${p}.self_attn.v_proj`, c.numKvHeads * D, C, c.qkvBias, 'normal');
    linear(`${p}.self_attn.o_proj`, C, c.numHeads * D, c.linearBias, 'residual');
    norm(`${p}.post_attention_layernorm`);
    if (c.mlp === 'swiglu') {
      linear(`${p}.mlp.gate_proj`, c.intermediateSize, C, c.linearBias, 'normal');
      linear(`${p}.mlp.up_proj`, c.intermediateSize, C, c.linearBias, 'normal');
      linear(`${p}.mlp.down_proj`, C, c.intermediateSize, c.linearBias, 'residual');
    } else {
      linear(`${p}.mlp.fc_in`, c.intermediateSize, C, c.linearBias, 'normal');
      linear(`${p}.mlp.fc_out`, C, c.intermediateSize, c.linearBias, 'residual');
    }
  }
  norm('model.norm');
  if (!c.tieEmbeddings) add('lm_head.weight', [c.vocabSize, C], true, 'normal');
  return specs;
}

function gpt2Specs(c: TransformerConfig): ParameterSpec[] {
  const C = c.hiddenSize;
  const I = c.intermediateSize;
  const bias = c.linearBias;
  const specs: ParameterSpec[] = [];
  const add = (name: string, hfShape: number[], transposed: boolean, init: ParameterInit): void => {
    specs.push({ name, hfShape, transposed, init });
  };
  add('wte.weight', [c.vocabSize, C], c.tieEmbeddings, 'normal');
  add('wpe.weight', [c.maxPositions, C], false, 'normal');
  // GPT-2's Conv1D stores [in, out] already: no transpose.
  const conv = (prefix: string, inp: number, out: number, init: ParameterInit): void => {
    add(`${prefix}.weight`, [inp, out], false, init);
    if (bias) add(`${prefix}.bias`, [out], false, 'zeros');
  };
  const ln = (prefix: string): void => {
    add(`${prefix}.weight`, [C], false, 'ones');
    add(`${prefix}.bias`, [C], false, 'zeros');
  };
  for (let i = 0; i < c.numLayers; i++) {
    ln(`h.${i}.ln_1`);
    conv(`h.${i}.attn.c_attn`, C, 3 * C, 'normal');
    conv(`h.${i}.attn.c_proj`, C, C, 'residual');
    ln(`h.${i}.ln_2`);
    conv(`h.${i}.mlp.c_fc`, C, I, 'normal');
    conv(`h.${i}.mlp.c_proj`, I, C, 'residual');
  }
  ln('ln_f');
  if (!c.tieEmbeddings) add('lm_head.weight', [c.vocabSize, C], true, 'normal');
  return specs;
}

/** Total number of parameters (tied embeddings counted once). */
export function countParameters(config: TransformerConfig): number {
  return parameterSpecs(config).reduce((n, s) => n + s.hfShape.reduce((a, b) => a * b, 1), 0);
}
