import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { TransformerConfig } from '../model/transformer-config';
import { ByteTokenizer } from '../tokenizers/byte-tokenizer';
import { HfTokenizer } from '../tokenizers/hf-tokenizer';
import { tinyQwen2TokenizerConfig, tinyQwen2TokenizerJson, writeTinyQwen2Tokenizer } from '../tokenizers/testing/tiny-qwen2-tokenizer';
import { writeDirAtomic } from './atomic-write';
import { float32ToBf16Bits, bf16BitsToFloat32 } from './float-convert';
import { loadHfCheckpoint, saveHfCheckpoint } from './hf-checkpoint';
import { configFromHf } from './hf-config';
import { expectedHfTensors } from './hf-tensor-names';
import { readSafetensorsWithMetadata, writeSafetensors } from './safetensors';
import { readTensorState } from './tensor-state';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const storiesDir = path.resolve(repoRoot, '../shared/data/models/stories260K');
const root = mkdtempSync(path.join(tmpdir(), 'srl-hf-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** Deterministic pseudo-random tensors with the right names and shapes for a config. */
function randomTensors(config: TransformerConfig, seed = 1): Map<string, { shape: number[]; data: Float32Array }> {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expectedHfTensors(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = next() * 0.2;
    out.set(name, { shape, data });
  }
  return out;
}

/** The Qwen2-style config a test writes by hand, as a user's config.json would be. */
const qwen2ConfigJson = {
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 288,
  max_position_embeddings: 128,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  hidden_act: 'silu',
  tie_word_embeddings: false,
  bos_token_id: 274,
  eos_token_id: 276,
  use_sliding_window: false,
  torch_dtype: 'float32',
};

describe('the real stories260K checkpoint', () => {
  it('loads: Llama config with GQA 8/4 and tied embeddings, every tensor present, no tokenizer', () => {
    const ckpt = loadHfCheckpoint(storiesDir);
    expect(ckpt.config).toMatchObject({ family: 'llama', numHeads: 8, numKvHeads: 4, tieEmbeddings: true, vocabSize: 512, numLayers: 5 });
    expect(ckpt.tensors.size).toBe(47);
    expect(ckpt.tensors.has('lm_head.weight')).toBe(false);
    expect(ckpt.tokenizer).toBeNull();
    expect(ckpt.generationConfig).toBeNull();
    expect(ckpt.stopTokenIds).toEqual([2]);
  });

  it('saves and reloads bit-exactly, with config.json keeping every original key', () => {
    const ckpt = loadHfCheckpoint(storiesDir);
    const dir = path.join(root, 'stories');
    saveHfCheckpoint(dir, { config: ckpt.config, tensors: ckpt.tensors });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors']);
    const again = loadHfCheckpoint(dir);
    expect(again.config).toEqual(ckpt.config);
    for (const [key, value] of Object.entries(ckpt.hfConfig)) expect([key, again.hfConfig[key]]).toEqual([key, value]);
    for (const [name, t] of ckpt.tensors) {
      expect(again.tensors.get(name)!.shape).toEqual(t.shape);
      expect(bitsOf(again.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
    }
    // transformers refuses safetensors files without format metadata.
    expect(readSafetensorsWithMetadata(path.join(dir, 'model.safetensors')).metadata).toEqual({ format: 'pt' });
    expect(JSON.parse(readFileSync(path.join(dir, 'generation_config.json'), 'utf8'))).toEqual({ bos_token_id: 1, eos_token_id: 2 });
  });
});

describe('a Qwen2-style checkpoint with a tokenizer.json', () => {
  const config = configFromHf(qwen2ConfigJson);

  it('loads a hand-written folder: config, tensors, tokenizer, generation config', () => {
    const dir = path.join(root, 'qwen2-hand');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(qwen2ConfigJson));
    writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: 274, eos_token_id: [276, 274], do_sample: true, temperature: 0.7 }));
    writeSafetensors(path.join(dir, 'model.safetensors'), randomTensors(config), { dtype: 'BF16', metadata: { format: 'pt' } });
    writeTinyQwen2Tokenizer(dir);
    const ckpt = loadHfCheckpoint(dir);
    expect(ckpt.config).toMatchObject({ family: 'qwen2', qkvBias: true, numKvHeads: 2, tieEmbeddings: false });
    expect(ckpt.tensors.get('model.layers.1.self_attn.k_proj.bias')!.shape).toEqual([16]);
    expect(ckpt.tensors.get('lm_head.weight')!.dtype).toBe('BF16');
    expect(ckpt.tokenizer!.encode('hello world')).toEqual([268, 273]);
    expect(ckpt.tokenizer!.applyChatTemplate([{ role: 'user', content: 'hi' }], { addGenerationPrompt: true })).toMatch(/^<\|im_start\|>system\n/);
    expect(ckpt.generationConfig).toMatchObject({ temperature: 0.7 });
    expect(ckpt.stopTokenIds).toEqual([276, 274]);
  });

  it('saves with tokenizer and optimizer state, then reloads everything exactly', () => {
    const dir = path.join(root, 'qwen2-saved');
    const tensors = randomTensors(config, 7);
    const tokenizer = new HfTokenizer({ tokenizerJson: tinyQwen2TokenizerJson(), tokenizerConfig: tinyQwen2TokenizerConfig() });
    const moments = new Map([...tensors].map(([k, t]) => [`${k}.exp_avg`, { shape: t.shape, data: t.data.map((v) => v * 1e-3) }]));
    saveHfCheckpoint(dir, { config, tensors, tokenizer, optimizerState: { tensors: moments, state: { step: 12, lr: 3e-4, betas: [0.9, 0.95] } } });
    expect(readdirSync(dir).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'optimizer.json',
      'optimizer.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const ckpt = loadHfCheckpoint(dir);
    expect(ckpt.config).toEqual(config);
    for (const [name, t] of tensors) expect(bitsOf(ckpt.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
    expect(ckpt.tokenizer!.encode('the cat sat')).toEqual([257, 262, 264]);
    expect(ckpt.generationConfig).toEqual({ bos_token_id: 274, eos_token_id: 276, pad_token_id: 274 });
    const opt = readTensorState(dir)!;
    expect(opt.state).toEqual({ step: 12, lr: 3e-4, betas: [0.9, 0.95] });
    for (const [name, t] of moments) expect(bitsOf(opt.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
    expect(readTensorState(path.join(root, 'qwen2-hand'))).toBeNull();
  });

  it('saves in BF16 (rounded to nearest even) with torch_dtype bfloat16', () => {
    const dir = path.join(root, 'qwen2-bf16');
    const tensors = randomTensors(config, 3);
    saveHfCheckpoint(dir, { config, tensors, dtype: 'BF16' });
    const ckpt = loadHfCheckpoint(dir);
    expect(ckpt.hfConfig.torch_dtype).toBe('bfloat16');
    const w = tensors.get('model.embed_tokens.weight')!.data;
    const back = ckpt.tensors.get('model.embed_tokens.weight')!;
    expect(back.dtype).toBe('BF16');
    expect(Array.from(back.data)).toEqual(Array.from(w, (v) => bf16BitsToFloat32(float32ToBf16Bits(v))));
  });

  it('carries a byte tokenizer for a from-scratch model', () => {
    const dir = path.join(root, 'byte-model');
    const byteConfig = { ...config, vocabSize: 261, bosTokenId: 256, eosTokenId: 257 };
    saveHfCheckpoint(dir, { config: byteConfig, tensors: randomTensors(byteConfig), tokenizer: new ByteTokenizer() });
    const ckpt = loadHfCheckpoint(dir);
    expect(ckpt.tokenizer).toBeInstanceOf(ByteTokenizer);
    expect(ckpt.stopTokenIds).toEqual([257, 260]);
    expect(JSON.parse(readFileSync(path.join(dir, 'generation_config.json'), 'utf8')).eos_token_id).toEqual([257, 260]);
  });
});

describe('atomic folder saves', () => {
  const config = configFromHf(qwen2ConfigJson);

  it('replaces an existing checkpoint and leaves no temp or old folders', () => {
    const parent = mkdtempSync(path.join(root, 'replace-'));
    const dir = path.join(parent, 'ckpt');
    saveHfCheckpoint(dir, { config, tensors: randomTensors(config, 1) });
    const second = randomTensors(config, 2);
    saveHfCheckpoint(dir, { config, tensors: second });
    expect(readdirSync(parent)).toEqual(['ckpt']);
    expect(bitsOf(loadHfCheckpoint(dir).tensors.get('model.norm.weight')!.data)).toEqual(bitsOf(second.get('model.norm.weight')!.data));
  });

  it('keeps the old checkpoint when a save fails, and cleans up', () => {
    const parent = mkdtempSync(path.join(root, 'fail-'));
    const dir = path.join(parent, 'ckpt');
    const first = randomTensors(config, 1);
    saveHfCheckpoint(dir, { config, tensors: first });
    const broken = randomTensors(config, 2);
    broken.delete('model.layers.0.mlp.up_proj.weight');
    broken.set('model.norm.weight', { shape: [31], data: new Float32Array(31) });
    expect(() => saveHfCheckpoint(dir, { config, tensors: broken })).toThrow(
      /tensors to save does not match its config \(2 problem\(s\)\): model.layers.0.mlp.up_proj.weight: missing .*model.norm.weight: shape \[31\], expected \[32\]/,
    );
    expect(() =>
      writeDirAtomic(dir, () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readdirSync(parent)).toEqual(['ckpt']);
    expect(bitsOf(loadHfCheckpoint(dir).tensors.get('model.norm.weight')!.data)).toEqual(bitsOf(first.get('model.norm.weight')!.data));
  });

  it('points at the previous version when a save was interrupted between its renames', () => {
    const parent = mkdtempSync(path.join(root, 'interrupted-'));
    mkdirSync(path.join(parent, 'ckpt.old-123-abcd'));
    expect(() => loadHfCheckpoint(path.join(parent, 'ckpt'))).toThrow(
      /config.json is missing; an interrupted save left the previous checkpoint at .*ckpt.old-123-abcd/,
    );
    expect(existsSync(path.join(parent, 'ckpt'))).toBe(false);
  });
});

describe('loading errors', () => {
  it('reports mismatched tensors, missing weights and oversized tokenizers', () => {
    const dir = path.join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...qwen2ConfigJson, num_key_value_heads: 4 }));
    expect(() => loadHfCheckpoint(dir)).toThrow(/no model.safetensors or model.safetensors.index.json in/);
    writeSafetensors(path.join(dir, 'model.safetensors'), randomTensors(configFromHf(qwen2ConfigJson)), { metadata: { format: 'pt' } });
    expect(() => loadHfCheckpoint(dir)).toThrow(
      /does not match its config \(8 problem\(s\)\): model.layers.0.self_attn.k_proj.weight: shape \[16, 32\], expected \[32, 32\]/,
    );
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...qwen2ConfigJson, vocab_size: 288 }));
    new ByteTokenizer({ extraSpecialTokens: Array.from({ length: 40 }, (_, i) => `<x${i}>`) }).save(dir);
    expect(() => loadHfCheckpoint(dir)).toThrow(/the tokenizer has 301 ids but config.json vocab_size is 288/);
  });

  it('reads sharded checkpoints through model.safetensors.index.json', () => {
    const dir = path.join(root, 'sharded');
    mkdirSync(dir);
    const config = configFromHf(qwen2ConfigJson);
    const tensors = randomTensors(config, 5);
    const names = [...tensors.keys()];
    const half = Math.ceil(names.length / 2);
    const shards = [names.slice(0, half), names.slice(half)];
    const weightMap: Record<string, string> = {};
    shards.forEach((shard, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(path.join(dir, file), new Map(shard.map((n) => [n, tensors.get(n)!])), { metadata: { format: 'pt' } });
      for (const n of shard) weightMap[n] = file;
    });
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(qwen2ConfigJson));
    const ckpt = loadHfCheckpoint(dir);
    for (const [name, t] of tensors) expect(bitsOf(ckpt.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
    weightMap['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    expect(() => loadHfCheckpoint(dir)).toThrow(/puts model.norm.weight in model-00001-of-00002.safetensors, which does not hold it/);
  });

  it('accepts GPT-2 names without the transformer. prefix (checkpoints saved from GPT2Model)', () => {
    const dir = path.join(root, 'gpt2');
    mkdirSync(dir);
    const gptJson = { model_type: 'gpt2', n_embd: 16, n_layer: 1, n_head: 2, n_positions: 8, vocab_size: 20 };
    const config = configFromHf(gptJson);
    const tensors = randomTensors(config);
    const bare = new Map([...tensors].map(([k, t]) => [k.replace(/^transformer\./, ''), t]));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(gptJson));
    writeSafetensors(path.join(dir, 'model.safetensors'), bare, { metadata: { format: 'pt' } });
    const ckpt = loadHfCheckpoint(dir);
    expect(ckpt.tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([16, 48]);
  });
});
