/**
 * The tensor names and shapes of a Hugging Face checkpoint for a TransformerConfig, as `transformers` saves them:
 * LlamaForCausalLM / Qwen2ForCausalLM (`model.layers.{i}.self_attn.q_proj.weight` [out, in], ...) and
 * GPT2LMHeadModel (`transformer.h.{i}.attn.c_attn.weight`: Conv1D, stored [in, out], q|k|v fused on the out axis).
 */
import { SrlError } from '@srl/core';
import type { TransformerConfig } from '../model/transformer-config';

/** Name -> shape of every tensor a checkpoint of this config must hold. Tied embeddings: no `lm_head.weight`. */
export function expectedHfTensors(c: TransformerConfig): Map<string, number[]> {
  const t = new Map<string, number[]>();
  const C = c.hiddenSize;
  const headDim = C / c.numHeads;
  if (c.family === 'gpt2') {
    const I = c.intermediateSize;
    t.set('transformer.wte.weight', [c.vocabSize, C]);
    t.set('transformer.wpe.weight', [c.maxPositions, C]);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `transformer.h.${i}`;
      for (const ln of ['ln_1', 'ln_2']) {
        t.set(`${p}.${ln}.weight`, [C]);
        t.set(`${p}.${ln}.bias`, [C]);
      }
      t.set(`${p}.attn.c_attn.weight`, [C, 3 * C]);
      t.set(`${p}.attn.c_attn.bias`, [3 * C]);
      t.set(`${p}.attn.c_proj.weight`, [C, C]);
      t.set(`${p}.attn.c_proj.bias`, [C]);
      t.set(`${p}.mlp.c_fc.weight`, [C, I]);
      t.set(`${p}.mlp.c_fc.bias`, [I]);
      t.set(`${p}.mlp.c_proj.weight`, [I, C]);
      t.set(`${p}.mlp.c_proj.bias`, [C]);
    }
    t.set('transformer.ln_f.weight', [C]);
    t.set('transformer.ln_f.bias', [C]);
  } else {
    const q = c.numHeads * headDim;
    const kv = c.numKvHeads * headDim;
    const I = c.intermediateSize;
    t.set('model.embed_tokens.weight', [c.vocabSize, C]);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `model.layers.${i}`;
      t.set(`${p}.input_layernorm.weight`, [C]);
      t.set(`${p}.self_attn.q_proj.weight`, [q, C]);
      t.set(`${p}.self_attn.k_proj.weight`, [kv, C]);
      t.set(`${p}.self_attn.v_proj.weight`, [kv, C]);
      if (c.qkvBias) {
        t.set(`${p}.self_attn.q_proj.bias`, [q]);
        t.set(`${p}.self_attn.k_proj.bias`, [kv]);
        t.set(`${p}.self_attn.v_proj.bias`, [kv]);
      }
      t.set(`${p}.self_attn.o_proj.weight`, [C, q]);
      t.set(`${p}.post_attention_layernorm.weight`, [C]);
      t.set(`${p}.mlp.gate_proj.weight`, [I, C]);
      t.set(`${p}.mlp.up_proj.weight`, [I, C]);
      t.set(`${p}.mlp.down_proj.weight`, [C, I]);
    }
    t.set('model.norm.weight', [C]);
  }
  if (!c.tieEmbeddings) t.set('lm_head.weight', [c.vocabSize, C]);
  return t;
}

/**
 * Bring checkpoint tensor names to `expectedHfTensors` form: GPT-2 checkpoints saved from GPT2Model (the original
 * `gpt2` on the hub) lack the `transformer.` prefix. Returns a new map; tensors are shared, not copied.
 */
export function normalizeHfTensorNames<T>(c: TransformerConfig, tensors: ReadonlyMap<string, T>): Map<string, T> {
  if (c.family !== 'gpt2') return new Map(tensors);
  const out = new Map<string, T>();
  for (const [name, value] of tensors) {
    out.set(name.startsWith('transformer.') || name === 'lm_head.weight' ? name : `transformer.${name}`, value);
  }
  return out;
}

/**
 * Check that every tensor the config needs is present with its shape. Extra tensors (e.g. `lm_head.weight` next to
 * tied embeddings, rotary `inv_freq` buffers, GPT-2's `attn.bias` masks) are allowed. Throws SrlError('validation')
 * listing every missing or mis-shaped tensor.
 */
export function validateHfTensors(c: TransformerConfig, tensors: ReadonlyMap<string, { shape: readonly number[] }>, source = 'checkpoint'): void {
  const problems: string[] = [];
  for (const [name, shape] of expectedHfTensors(c)) {
    const t = tensors.get(name);
    if (!t) problems.push(`${name}: missing (expected shape [${shape.join(', ')}])`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`${name}: shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  if (problems.length > 0) {
    const head = problems.slice(0, 5).join('; ');
    throw new SrlError('validation', `${source} does not match its config (${problems.length} problem(s)): ${head}${problems.length > 5 ? '; ...' : ''}`, {
      details: problems,
    });
  }
}
