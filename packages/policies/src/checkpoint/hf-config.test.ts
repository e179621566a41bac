import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TransformerConfig } from '../model/transformer-config';
import { configFromHf, configToHf, eosTokenIds } from './hf-config';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const storiesConfig = JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/data/models/stories260K/config.json'), 'utf8'));

/** A Qwen2-0.5B-Instruct-shaped config.json, shrunk. */
const qwen2Json = {
  architectures: ['Qwen2ForCausalLM'],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151645,
  hidden_act: 'silu',
  hidden_size: 64,
  initializer_range: 0.02,
  intermediate_size: 128,
  max_position_embeddings: 32768,
  max_window_layers: 21,
  model_type: 'qwen2',
  num_attention_heads: 8,
  num_hidden_layers: 2,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  transformers_version: '4.40.1',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

describe('config.json -> TransformerConfig', () => {
  it('maps the real stories260K config to a GQA Llama with tied embeddings', () => {
    expect(configFromHf(storiesConfig)).toEqual<TransformerConfig>({
      family: 'llama',
      vocabSize: 512,
      hiddenSize: 64,
      numLayers: 5,
      numHeads: 8,
      numKvHeads: 4,
      intermediateSize: 172,
      maxPositions: 512,
      norm: 'rmsnorm',
      normEps: 1e-5,
      positions: 'rope',
      ropeTheta: 10000,
      mlp: 'swiglu',
      qkvBias: false,
      linearBias: false,
      tieEmbeddings: true,
      bosTokenId: 1,
      eosTokenId: 2,
    });
  });

  it('maps a Qwen2 config (q/k/v biases, big rope theta)', () => {
    const c = configFromHf(qwen2Json);
    expect(c).toMatchObject({
      family: 'qwen2',
      numHeads: 8,
      numKvHeads: 2,
      qkvBias: true,
      linearBias: false,
      ropeTheta: 1e6,
      normEps: 1e-6,
      tieEmbeddings: true,
    });
    expect([c.bosTokenId, c.eosTokenId]).toEqual([151643, 151645]);
  });

  it('maps GPT-2 (n_inner null means 4 x n_embd; tied by default)', () => {
    const c = configFromHf({
      model_type: 'gpt2',
      n_embd: 48,
      n_layer: 2,
      n_head: 4,
      n_positions: 64,
      n_inner: null,
      vocab_size: 300,
      activation_function: 'gelu_new',
    });
    expect(c).toMatchObject({ family: 'gpt2', hiddenSize: 48, intermediateSize: 192, numKvHeads: 4, norm: 'layernorm', positions: 'learned', mlp: 'gelu' });
    expect(c).toMatchObject({ qkvBias: true, linearBias: true, tieEmbeddings: true, normEps: 1e-5, bosTokenId: 50256, eosTokenId: 50256 });
  });

  it('reads the transformers 5 layout: rope_theta inside rope_parameters, layer_types', () => {
    const { rope_theta: _, ...v5 } = {
      ...qwen2Json,
      rope_parameters: { rope_theta: 5e5, rope_type: 'default' },
      layer_types: ['full_attention', 'full_attention'],
    };
    expect(configFromHf(v5).ropeTheta).toBe(5e5);
    expect(() => configFromHf({ ...v5, rope_parameters: { rope_theta: 5e5, rope_type: 'yarn', factor: 4 } })).toThrow(
      /rope_parameters = .*yarn.* is not supported/,
    );
    expect(() => configFromHf({ ...v5, layer_types: ['full_attention', 'sliding_attention'] })).toThrow(
      /layer_types = .* is not supported: only full attention/,
    );
    expect(configFromHf({ ...storiesConfig, rope_scaling: { type: 'default' } }).ropeTheta).toBe(10000);
  });

  it('takes the first of several eos ids and lists them all separately', () => {
    const json = { ...storiesConfig, eos_token_id: [128001, 128009] };
    expect(configFromHf(json).eosTokenId).toBe(128001);
    expect(eosTokenIds(json)).toEqual([128001, 128009]);
    expect(eosTokenIds({ eos_token_id: null })).toEqual([]);
  });

  it('refuses what the model does not implement, naming the key', () => {
    expect(() => configFromHf({ ...storiesConfig, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(
      /rope_scaling = .* is not supported: RoPE scaling/,
    );
    expect(() => configFromHf({ ...storiesConfig, attention_bias: true })).toThrow(/attention_bias = true is not supported.*o_proj/);
    expect(() => configFromHf({ ...qwen2Json, use_sliding_window: true })).toThrow(/use_sliding_window = true is not supported/);
    expect(() => configFromHf({ ...storiesConfig, hidden_act: 'gelu' })).toThrow(/hidden_act = "gelu" is not supported/);
    expect(() => configFromHf({ ...storiesConfig, head_dim: 16 })).toThrow(/head_dim must equal hidden_size \/ num_attention_heads = 8/);
    expect(() => configFromHf({ ...storiesConfig, model_type: 'mistral' })).toThrow(
      /model_type "mistral" is not supported; expected "llama", "qwen2" or "gpt2"/,
    );
    expect(() => configFromHf({ ...storiesConfig, num_key_value_heads: 3 })).toThrow(/kv heads must divide heads/);
    const { hidden_size: _, ...noHidden } = storiesConfig;
    expect(() => configFromHf(noHidden, 'x/config.json')).toThrow(/x\/config.json: hidden_size is missing/);
    expect(() => configFromHf({ ...storiesConfig, vocab_size: '512' })).toThrow(/vocab_size is "512", expected a positive integer/);
  });
});

describe('TransformerConfig -> config.json', () => {
  it('writes the stories260K config back with every original key and value', () => {
    const out = configToHf(configFromHf(storiesConfig));
    for (const [key, value] of Object.entries(storiesConfig)) expect([key, out[key]]).toEqual([key, value]);
    expect(configFromHf(out)).toEqual(configFromHf(storiesConfig));
  });

  it('round-trips Qwen2 and GPT-2 configs, with the torch dtype asked for', () => {
    const qwen = configFromHf(qwen2Json);
    const qwenOut = configToHf(qwen, { torchDtype: 'bfloat16' });
    expect(qwenOut).toMatchObject({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', use_sliding_window: false, torch_dtype: 'bfloat16' });
    expect(configFromHf(qwenOut)).toEqual(qwen);
    const gpt = configFromHf({ model_type: 'gpt2', n_embd: 48, n_layer: 2, n_head: 4, n_positions: 64, vocab_size: 300, tie_word_embeddings: false });
    const gptOut = configToHf(gpt);
    expect(gptOut).toMatchObject({ architectures: ['GPT2LMHeadModel'], n_inner: 192, activation_function: 'gelu_new' });
    expect(configFromHf(gptOut)).toEqual(gpt);
  });

  it('refuses configs a model_type cannot express', () => {
    const llamaWithBias = { ...configFromHf(storiesConfig), qkvBias: true };
    expect(() => configToHf(llamaWithBias)).toThrow(/a llama config.json cannot express this model: qkvBias is true \(expected false\)/);
    const gptWithGqa = { ...configFromHf({ model_type: 'gpt2', n_embd: 48, n_head: 4 }), numKvHeads: 2 };
    expect(() => configToHf(gptWithGqa)).toThrow(/numKvHeads is 2 \(expected 4\)/);
  });
});
