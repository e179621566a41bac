/**
 * Hugging Face `config.json` <-> TransformerConfig, for `model_type` llama, qwen2 and gpt2.
 * Defaults follow transformers' LlamaConfig, Qwen2Config and GPT2Config, in both the 4.x layout (`rope_theta`,
 * `torch_dtype`) and the 5.x one (`rope_parameters`, `dtype`, `layer_types`); we write both spellings.
 * Features our model does not implement (RoPE scaling, sliding windows, biases on o_proj or the MLP, other
 * activations) are refused with a clear error rather than silently ignored.
 */
import { SrlError } from '@srl/core';
import type { TransformerConfig } from '../model/transformer-config';

type Json = Record<string, unknown>;

/** torch_dtype names for the safetensors dtypes we write. */
export const TORCH_DTYPES = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;

function reader(hf: Json, source: string) {
  const fail = (key: string, value: unknown, expected: string): never => {
    throw new SrlError('validation', `${source}: ${key} is ${JSON.stringify(value)}, expected ${expected}`);
  };
  const int = (key: string, fallback?: number): number => {
    const v = hf[key] ?? fallback;
    if (v === undefined) throw new SrlError('validation', `${source}: ${key} is missing (model_type ${JSON.stringify(hf.model_type)})`);
    if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(key, v, 'a positive integer');
    return v as number;
  };
  const num = (key: string, fallback: number): number => {
    const v = hf[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(key, v, 'a positive number');
    return v as number;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = hf[key] ?? fallback;
    if (typeof v !== 'boolean') fail(key, v, 'true or false');
    return v as boolean;
  };
  /** A token id: a number, null, or (eos) a list whose first entry is used. */
  const tokenId = (key: string, fallback: number | null): number | null => {
    const v = key in hf ? hf[key] : fallback;
    if (v === null || v === undefined) return null;
    const first = Array.isArray(v) ? v[0] : v;
    if (!Number.isSafeInteger(first) || (first as number) < 0) fail(key, v, 'a token id, a list of ids, or null');
    return first as number;
  };
  const refuse = (key: string, ok: (v: unknown) => boolean, why: string): void => {
    if (key in hf && !ok(hf[key])) throw new SrlError('validation', `${source}: ${key} = ${JSON.stringify(hf[key])} is not supported: ${why}`);
  };
  return { int, num, bool, tokenId, refuse };
}

/** transformers 5.x keeps rope_theta in `rope_parameters`. */
function ropeParameters(hf: Json): { rope_theta?: number } {
  const p = hf.rope_parameters;
  return typeof p === 'object' && p !== null && typeof (p as Json).rope_theta === 'number' ? { rope_theta: (p as Json).rope_theta as number } : {};
}

/** All eos ids a config or generation config lists (`eos_token_id` may be a number or a list). */
export function eosTokenIds(json: Json): number[] {
  const v = json.eos_token_id;
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.filter((x): x is number => Number.isSafeInteger(x));
}

/** Parse a Hugging Face config.json object. Throws SrlError('validation') naming the key at fault. */
export function configFromHf(hf: Json, source = 'config.json'): TransformerConfig {
  const r = reader(hf, source);
  const modelType = hf.model_type;
  if (modelType === 'llama' || modelType === 'qwen2') {
    const llama = modelType === 'llama';
    r.refuse('hidden_act', (v) => v === 'silu', 'only SwiGLU with silu is implemented');
    // transformers 4.x: rope_theta + rope_scaling; 5.x: rope_parameters { rope_theta, rope_type }. Only plain RoPE is implemented.
    const isDefaultRope = (v: unknown): boolean => {
      if (v === null) return true;
      if (typeof v !== 'object') return false;
      const type = (v as Json).rope_type ?? (v as Json).type ?? 'default';
      return type === 'default';
    };
    r.refuse('rope_scaling', isDefaultRope, 'RoPE scaling (linear, dynamic, llama3, yarn) is not implemented');
    r.refuse('rope_parameters', isDefaultRope, 'RoPE scaling (linear, dynamic, llama3, yarn) is not implemented');
    r.refuse('layer_types', (v) => Array.isArray(v) && v.every((t) => t === 'full_attention'), 'only full attention is implemented (no sliding layers)');
    r.refuse('mlp_bias', (v) => v === false, 'the MLP has no biases here');
    r.refuse('attention_bias', (v) => !llama || v === false, 'Llama attention_bias also puts a bias on o_proj; use a qwen2 config for q/k/v biases');
    r.refuse('use_sliding_window', (v) => v === false, 'sliding-window attention is not implemented');
    r.refuse('pretraining_tp', (v) => v === 1, 'tensor-parallel pretraining slices are not implemented');
    const hiddenSize = r.int('hidden_size');
    const numHeads = r.int('num_attention_heads');
    const numKvHeads = r.int('num_key_value_heads', numHeads);
    r.refuse('head_dim', (v) => v === null || v === hiddenSize / numHeads, `head_dim must equal hidden_size / num_attention_heads = ${hiddenSize / numHeads}`);
    if (hiddenSize % numHeads !== 0 || numHeads % numKvHeads !== 0) {
      throw new SrlError(
        'validation',
        `${source}: hidden_size ${hiddenSize}, num_attention_heads ${numHeads}, num_key_value_heads ${numKvHeads}: heads must divide hidden_size and kv heads must divide heads`,
      );
    }
    return {
      family: modelType,
      vocabSize: r.int('vocab_size'),
      hiddenSize,
      numLayers: r.int('num_hidden_layers'),
      numHeads,
      numKvHeads,
      intermediateSize: r.int('intermediate_size'),
      maxPositions: r.int('max_position_embeddings'),
      norm: 'rmsnorm',
      normEps: r.num('rms_norm_eps', 1e-6),
      positions: 'rope',
      ropeTheta: r.num('rope_theta', ropeParameters(hf).rope_theta ?? 10000),
      mlp: 'swiglu',
      qkvBias: !llama,
      linearBias: false,
      tieEmbeddings: r.bool('tie_word_embeddings', false),
      bosTokenId: r.tokenId('bos_token_id', llama ? 1 : null),
      eosTokenId: r.tokenId('eos_token_id', llama ? 2 : null),
    };
  }
  if (modelType === 'gpt2') {
    r.refuse('activation_function', (v) => v === 'gelu_new' || v === 'gelu_pytorch_tanh', 'GPT-2 here uses the tanh-approximated GELU (gelu_new)');
    r.refuse('scale_attn_by_inverse_layer_idx', (v) => v === false, 'per-layer attention scaling is not implemented');
    r.refuse('reorder_and_upcast_attn', (v) => v === false, 'not implemented');
    r.refuse('scale_attn_weights', (v) => v === true, 'attention is always scaled by 1/sqrt(head_dim)');
    const hiddenSize = r.int('n_embd', 768);
    const numHeads = r.int('n_head', 12);
    if (hiddenSize % numHeads !== 0) throw new SrlError('validation', `${source}: n_embd ${hiddenSize} is not a multiple of n_head ${numHeads}`);
    const inner = hf.n_inner === null || hf.n_inner === undefined ? 4 * hiddenSize : r.int('n_inner');
    return {
      family: 'gpt2',
      vocabSize: r.int('vocab_size', 50257),
      hiddenSize,
      numLayers: r.int('n_layer', 12),
      numHeads,
      numKvHeads: numHeads,
      intermediateSize: inner,
      maxPositions: r.int('n_positions', 1024),
      norm: 'layernorm',
      normEps: r.num('layer_norm_epsilon', 1e-5),
      positions: 'learned',
      ropeTheta: 10000,
      mlp: 'gelu',
      qkvBias: true,
      linearBias: true,
      tieEmbeddings: r.bool('tie_word_embeddings', true),
      bosTokenId: r.tokenId('bos_token_id', 50256),
      eosTokenId: r.tokenId('eos_token_id', 50256),
    };
  }
  throw new SrlError('validation', `${source}: model_type ${JSON.stringify(modelType)} is not supported; expected "llama", "qwen2" or "gpt2"`);
}

/** The architecture each family fixes; a config that disagrees cannot be written as that model_type. */
function checkFamily(c: TransformerConfig): void {
  const want: Partial<TransformerConfig> =
    c.family === 'gpt2'
      ? { norm: 'layernorm', positions: 'learned', mlp: 'gelu', qkvBias: true, linearBias: true, numKvHeads: c.numHeads }
      : { norm: 'rmsnorm', positions: 'rope', mlp: 'swiglu', qkvBias: c.family === 'qwen2', linearBias: false };
  const wrong = Object.entries(want).filter(([k, v]) => c[k as keyof TransformerConfig] !== v);
  if (wrong.length > 0) {
    const list = wrong.map(([k, v]) => `${k} is ${JSON.stringify(c[k as keyof TransformerConfig])} (expected ${JSON.stringify(v)})`).join(', ');
    throw new SrlError('validation', `a ${c.family} config.json cannot express this model: ${list}`);
  }
}

/** Write a TransformerConfig as a Hugging Face config.json object that transformers loads. */
export function configToHf(c: TransformerConfig, options: { torchDtype?: string } = {}): Json {
  checkFamily(c);
  const torchDtype = options.torchDtype ?? 'float32';
  if (c.family === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      vocab_size: c.vocabSize,
      n_embd: c.hiddenSize,
      n_layer: c.numLayers,
      n_head: c.numHeads,
      n_positions: c.maxPositions,
      n_ctx: c.maxPositions,
      n_inner: c.intermediateSize,
      activation_function: 'gelu_new',
      layer_norm_epsilon: c.normEps,
      resid_pdrop: 0,
      embd_pdrop: 0,
      attn_pdrop: 0,
      scale_attn_weights: true,
      tie_word_embeddings: c.tieEmbeddings,
      bos_token_id: c.bosTokenId,
      eos_token_id: c.eosTokenId,
      torch_dtype: torchDtype,
      dtype: torchDtype,
    };
  }
  const common = {
    model_type: c.family,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    vocab_size: c.vocabSize,
    max_position_embeddings: c.maxPositions,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    rope_parameters: { rope_theta: c.ropeTheta, rope_type: 'default' },
    hidden_act: 'silu',
    tie_word_embeddings: c.tieEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    torch_dtype: torchDtype,
    dtype: torchDtype,
    attention_dropout: 0,
    initializer_range: 0.02,
    use_cache: true,
  };
  if (c.family === 'llama') return { architectures: ['LlamaForCausalLM'], ...common, attention_bias: false, mlp_bias: false, pretraining_tp: 1 };
  return { architectures: ['Qwen2ForCausalLM'], ...common, use_sliding_window: false, sliding_window: null, max_window_layers: c.numLayers };
}
