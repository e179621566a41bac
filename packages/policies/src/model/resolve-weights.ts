import * as tf from '@tensorflow/tfjs-core';
import type { TransformerConfig } from './transformer-config';
import type { EmbeddingLayout } from './ops/embedding';

export type Norm = { w: tf.Tensor1D; b?: tf.Tensor1D };
export type Linear = { w: tf.Tensor2D; b?: tf.Tensor1D };
export interface LayerWeights {
  attnNorm: Norm;
  /** The fused q/k/v projection [C, (H + 2*Hkv) * D]: GPT-2's c_attn as is, Llama's three concatenated. */
  qkv: Linear;
  o: Linear;
  mlpNorm: Norm;
  /** gelu: [fcIn, fcOut]; swiglu: [gate, up, down]. */
  mlp: Linear[];
}
/** The weights of one pass; Llama's q/k/v projections are concatenated here (with gradients). */
export interface ResolvedWeights {
  embed: tf.Tensor2D;
  embedLayout: EmbeddingLayout;
  positions?: tf.Tensor2D;
  layers: LayerWeights[];
  finalNorm: Norm;
  /** [C, V] */
  head: tf.Tensor2D;
}

/**
 * The weights of one pass, from the model's variables (by Hugging Face name, stored layout). Call inside
 * tf.tidy: Llama's q/k/v projections are concatenated into new tensors (gradients flow to the variables);
 * everything else is the variables themselves.
 */
export function resolveWeights(c: TransformerConfig, variables: ReadonlyMap<string, tf.Variable>): ResolvedWeights {
  const p = (name: string): tf.Variable => variables.get(name) as tf.Variable;
  const maybe = (name: string): tf.Variable | undefined => variables.get(name);
  const lin = (prefix: string): Linear => ({ w: p(`${prefix}.weight`) as tf.Variable<tf.Rank.R2>, b: maybe(`${prefix}.bias`) as tf.Tensor1D | undefined });
  const norm = (prefix: string): Norm => ({ w: p(`${prefix}.weight`) as tf.Tensor1D, b: maybe(`${prefix}.bias`) as tf.Tensor1D | undefined });
  const layers: LayerWeights[] = [];
  if (c.family === 'gpt2') {
    for (let i = 0; i < c.numLayers; i++) {
      layers.push({
        attnNorm: norm(`h.${i}.ln_1`),
        qkv: lin(`h.${i}.attn.c_attn`),
        o: lin(`h.${i}.attn.c_proj`),
        mlpNorm: norm(`h.${i}.ln_2`),
        mlp: [lin(`h.${i}.mlp.c_fc`), lin(`h.${i}.mlp.c_proj`)],
      });
    }
    return {
      embed: p('wte.weight') as tf.Tensor2D,
      embedLayout: c.tieEmbeddings ? 'columns' : 'rows',
      positions: p('wpe.weight') as tf.Tensor2D,
      layers,
      finalNorm: norm('ln_f'),
      head: (c.tieEmbeddings ? p('wte.weight') : p('lm_head.weight')) as tf.Tensor2D,
    };
  }
  for (let i = 0; i < c.numLayers; i++) {
    const l = `model.layers.${i}`;
    const [q, k, v] = ['q', 'k', 'v'].map((x) => lin(`${l}.self_attn.${x}_proj`));
    layers.push({
      attnNorm: norm(`${l}.input_layernorm`),
      qkv: { w: tf.concat([q.w, k.w, v.w], 1), b: q.b === undefined ? undefined : tf.concat([q.b, k.b as tf.Tensor1D, v.b as tf.Tensor1D]) },
      o: lin(`${l}.self_attn.o_proj`),
      mlpNorm: norm(`${l}.post_attention_layernorm`),
      mlp:
        c.mlp === 'swiglu' ? [lin(`${l}.mlp.gate_proj`), lin(`${l}.mlp.up_proj`), lin(`${l}.mlp.down_proj`)] : [lin(`${l}.mlp.fc_in`), lin(`${l}.mlp.fc_out`)],
    });
  }
  return {
    embed: p('model.embed_tokens.weight') as tf.Tensor2D,
    embedLayout: c.tieEmbeddings ? 'columns' : 'rows',
    positions: c.positions === 'learned' ? (p('model.embed_positions.weight') as tf.Tensor2D) : undefined,
    layers,
    finalNorm: norm('model.norm'),
    head: (c.tieEmbeddings ? p('model.embed_tokens.weight') : p('lm_head.weight')) as tf.Tensor2D,
  };
}
