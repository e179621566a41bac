/**
 * One config for decoder-only transformers: GPT-2 style (LayerNorm, learned positions, GELU MLP)
 * and Llama/Qwen2 style (RMSNorm, RoPE, SwiGLU, grouped-query attention, optional QKV bias).
 * Declared once: the type, and the schema of the `config` overrides of the tfjs-transformer plugin.
 */
import { StringEnum, Type, type Static } from '@srl/core';

const int = (minimum: number, description?: string) => Type.Integer({ minimum, ...(description ? { description } : {}) });

export const transformerConfigSchema = Type.Object(
  {
    family: StringEnum(['gpt2', 'llama', 'qwen2'], { description: 'what `model_type` says in a Hugging Face config.json' }),
    vocabSize: int(1),
    hiddenSize: int(1),
    numLayers: int(1),
    numHeads: int(1),
    numKvHeads: int(1, 'grouped-query attention: numHeads must be a multiple of it; equals numHeads for plain multi-head attention'),
    intermediateSize: int(1, 'MLP inner size (GPT-2: usually 4 x hidden; SwiGLU: the gate/up size)'),
    maxPositions: int(2),
    norm: StringEnum(['layernorm', 'rmsnorm']),
    normEps: Type.Number({ exclusiveMinimum: 0 }),
    positions: StringEnum(['learned', 'rope']),
    ropeTheta: Type.Number({ exclusiveMinimum: 0 }),
    mlp: StringEnum(['gelu', 'swiglu']),
    qkvBias: Type.Boolean({ description: 'bias on the q, k, v projections (Qwen2: true; Llama: false; GPT-2: true, with biases everywhere)' }),
    linearBias: Type.Boolean({ description: 'GPT-2 has biases on every linear layer and norm; Llama/Qwen2 have none outside qkvBias' }),
    tieEmbeddings: Type.Boolean(),
    bosTokenId: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    eosTokenId: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export type TransformerConfig = Static<typeof transformerConfigSchema>;
