import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HfTokenizer } from '../tokenizers/hf-tokenizer';
import { loadHfCheckpoint, saveHfCheckpoint } from './hf-checkpoint';
import { readSafetensors } from './safetensors';

/** A tiny random Qwen2ForCausalLM saved by transformers 5.18 (see fixtures/make-transformers-fixture.py). */
const fixture = fileURLToPath(new URL('./fixtures/transformers-tiny-qwen2/', import.meta.url));
const reference = JSON.parse(readFileSync(path.join(fixture, 'reference.json'), 'utf8'));
const tmp = mkdtempSync(path.join(tmpdir(), 'srl-transformers-fixture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

describe('a checkpoint saved by Hugging Face transformers', () => {
  it('loads: transformers 5 config layout (rope_parameters, dtype, layer_types), untied lm_head, q/k/v biases', () => {
    const ckpt = loadHfCheckpoint(fixture);
    expect(ckpt.config).toEqual({
      family: 'qwen2',
      vocabSize: 288,
      hiddenSize: 32,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      intermediateSize: 64,
      maxPositions: 128,
      norm: 'rmsnorm',
      normEps: 1e-6,
      positions: 'rope',
      ropeTheta: 1e6,
      mlp: 'swiglu',
      qkvBias: true,
      linearBias: false,
      tieEmbeddings: false,
      bosTokenId: 274,
      eosTokenId: 276,
    });
    expect(ckpt.tensors.get('lm_head.weight')!.shape).toEqual([288, 32]);
    expect(ckpt.tensors.get('model.layers.1.self_attn.q_proj.bias')!.shape).toEqual([32]);
    expect(ckpt.stopTokenIds).toEqual([276]);
  });

  it('its tokenizer (chat template in chat_template.jinja) gives the ids and prompt transformers gave', () => {
    const tok = loadHfCheckpoint(fixture).tokenizer!;
    expect(tok).toBeInstanceOf(HfTokenizer);
    const prompt = tok.applyChatTemplate(reference.messages, { addGenerationPrompt: true });
    expect(prompt).toBe(reference.prompt);
    expect(tok.encode(prompt)).toEqual(reference.prompt_ids);
    reference.texts.forEach((text: string, i: number) => expect(tok.encode(text)).toEqual(reference.text_ids[i]));
    expect([tok.eosTokenId, tok.padTokenId, tok.bosTokenId]).toEqual([276, 274, null]);
  });

  it('holds reference logits and greedy ids for the model helper to match', () => {
    const ref = readSafetensors(path.join(fixture, 'reference.safetensors'));
    expect(Array.from(ref.get('input_ids')!.data)).toEqual(reference.prompt_ids);
    expect(ref.get('logits')!.shape).toEqual([reference.prompt_ids.length, 288]);
    expect(Array.from(ref.get('greedy_ids')!.data)).toEqual(reference.greedy_ids);
  });

  it('re-saves bit-exactly in our writer', () => {
    const ckpt = loadHfCheckpoint(fixture);
    const out = path.join(tmp, 'resaved');
    saveHfCheckpoint(out, { config: ckpt.config, tensors: ckpt.tensors, tokenizer: ckpt.tokenizer });
    const again = loadHfCheckpoint(out);
    expect(again.config).toEqual(ckpt.config);
    expect(again.tokenizer!.applyChatTemplate(reference.messages, { addGenerationPrompt: true })).toBe(reference.prompt);
    for (const [name, t] of ckpt.tensors) expect(bitsOf(again.tensors.get(name)!.data)).toEqual(bitsOf(t.data));
  });
});
