/**
 * One config for decoder-only transformers: GPT-2 style (LayerNorm, learned positions, GELU MLP)
 * and Llama/Qwen2 style (RMSNorm, RoPE, SwiGLU, grouped-query attention, optional QKV bias).
 */
export interface TransformerConfig {
  /** 'gpt2' | 'llama' | 'qwen2' — what `model_type` says in a Hugging Face config.json. */
  family: 'gpt2' | 'llama' | 'qwen2';
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Grouped-query attention: numHeads must be a multiple of it. Equals numHeads for plain multi-head attention. */
  numKvHeads: number;
  /** MLP inner size (GPT-2: usually 4 x hidden; SwiGLU: the gate/up size). */
  intermediateSize: number;
  maxPositions: number;
  norm: 'layernorm' | 'rmsnorm';
  normEps: number;
  positions: 'learned' | 'rope';
  ropeTheta: number;
  mlp: 'gelu' | 'swiglu';
  /** Bias on the q, k, v projections (Qwen2: true; Llama: false; GPT-2: true, with biases everywhere). */
  qkvBias: boolean;
  /** GPT-2 has biases on every linear layer and norm; Llama/Qwen2 have none outside qkvBias. */
  linearBias: boolean;
  tieEmbeddings: boolean;
  bosTokenId: number | null;
  eosTokenId: number | null;
}
