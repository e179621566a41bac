import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { referenceKernels } from '../kernels/reference-kernels';
import { Transformer } from '../model/transformer';
import { transformerPreset } from '../model/presets';
import { TfjsTransformerPolicy } from '../tfjs-transformer-policy';
import { SeededRng } from '@srl/core';
import { generate, type GeneratedSequence, type GenerateOptions } from './generate';
import { WasmGenerationCopy } from './wasm-generation-copy';

// The training side runs on the cpu backend here (present everywhere); CI's tensorflow run covers the default
// (auto: a wasm copy on tensorflow) through the policy suite.
const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
const backendOf = (t: tf.Tensor): unknown => (tf.engine().state.tensorInfo.get(t.dataId) as { backend: unknown }).backend;
const options = { preset: 'llama-tiny', config: {}, seed: 3 } as const;

/** A llama-tiny source model on the cpu backend (the active one afterwards) and its wasm copy, prepared. */
async function cpuSourceAndCopy(copyOptions: { sourcePrefillMinPositions?: number } = {}): Promise<{ source: Transformer; copy: WasmGenerationCopy }> {
  await selectBackend({ backend: 'cpu' });
  const source = Transformer.random(transformerPreset('llama-tiny'), 5, referenceKernels);
  const copy = new WasmGenerationCopy(source, copyOptions);
  await copy.prepare();
  return { source, copy };
}

describe('WasmGenerationCopy', () => {
  it('hands the weights over bit for bit after each change, leaves the source on its backend and restores it', async () => {
    const { source, copy } = await cpuSourceAndCopy();
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    const [name, v] = [...source.variables][0];
    const changed = tf.add(v, 0.5);
    v.assign(changed);
    changed.dispose();
    copy.invalidate();
    await copy.run(async (m) => {
      expect(tf.getBackend()).toBe('wasm');
      for (const [n, w] of source.variables) expect(bits(m.variables.get(n) as tf.Variable)).toEqual(bits(w));
      expect(backendOf(m.variables.get(name) as tf.Variable)).toBe(tf.findBackend('wasm'));
    });
    expect(tf.getBackend()).toBe('cpu');
    for (const w of source.variables.values()) expect(backendOf(w)).toBe(tf.findBackend('cpu'));
    expect(tf.memory().numTensors).toBe(before);
    await expect(copy.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(tf.getBackend()).toBe('cpu');
    copy.dispose();
    source.dispose();
  });

  it('prefills on the source backend and hands the keys and values to wasm bit for bit; a small or overlapping call prefills on the copy', async () => {
    const { source, copy } = await cpuSourceAndCopy({ sourcePrefillMinPositions: 8 });
    const before = tf.memory().numTensors;
    const input = { ids: Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]), batch: 2, length: 4, outputRows: Int32Array.from([3, 7]) };
    const expected = tf.tidy(() => source.forward(input, { mode: 'prefill', outputRows: input.outputRows }));
    await copy.run(async (_m, prefill) => {
      const got = await prefill(input);
      expect(got).not.toBeNull();
      const { kv, logits } = got as NonNullable<typeof got>;
      expect(tf.getBackend()).toBe('wasm');
      expect(Array.from(new Uint32Array(logits.slice().buffer))).toEqual(bits(expected.logits));
      kv.forEach((l, i) => {
        expect(backendOf(l.keys)).toBe(tf.findBackend('wasm'));
        expect(bits(l.keys)).toEqual(bits(expected.kv[i].keys));
        expect(bits(l.values)).toEqual(bits(expected.kv[i].values));
      });
      tf.dispose(kv);
      // A second run overlapping this one: its prefill must not switch the backend away.
      await copy.run(async (_m2, inner) => expect(await inner(input)).toBeNull());
      expect(await prefill({ ...input, batch: 1, ids: input.ids.subarray(0, 4), outputRows: Int32Array.from([3]) })).toBeNull();
      expect(tf.getBackend()).toBe('wasm');
    });
    expect(tf.getBackend()).toBe('cpu');
    tf.dispose(expected);
    expect(tf.memory().numTensors).toBe(before);
    copy.dispose();
    source.dispose();
  });

  it("generating from the source's prefill draws each sample's first token from the source's logits", async () => {
    const { source, copy } = await cpuSourceAndCopy({ sourcePrefillMinPositions: 0 });
    const prompts = [
      [5, 6, 7, 8, 9],
      [10, 11, 12],
    ];
    const sampling = (): GenerateOptions => ({ n: 3, maxTokens: 6, temperature: 1, topP: 1, topK: 0, eosTokenIds: [], rng: new SeededRng(11) });
    const expected = await generate(source, prompts, sampling());
    const got = await copy.run((m, prefill) => generate(m, prompts, { ...sampling(), prefill }));
    const first = (out: GeneratedSequence[][]) => out.map((p) => p.map((s) => [s.tokenIds[0], s.logprobs[0]]));
    expect(first(got)).toEqual(first(expected));
    copy.dispose();
    source.dispose();
  });

  it("a policy sampling on the copy draws the wasm backend's samples for short prompts (prefilled on the copy), which its own scores match within 1e-5", async () => {
    const wasm = await TfjsTransformerPolicy.create({ ...options, backend: 'wasm' });
    const expected = await wasm.generate(['a prompt'], { n: 3, maxTokens: 10, temperature: 1, seed: 7 });
    wasm.dispose();
    const hybrid = await TfjsTransformerPolicy.create({ ...options, backend: 'cpu', generationBackend: 'wasm' });
    expect(hybrid.generationBackend).toBe('wasm');
    expect(hybrid.name).toContain('sampling on wasm');
    const before = tf.memory().numTensors;
    const got = await hybrid.generate(['a prompt'], { n: 3, maxTokens: 10, temperature: 1, seed: 7 });
    expect(tf.getBackend()).toBe('cpu');
    expect(got[0].samples.map((s) => s.tokenIds)).toEqual(expected[0].samples.map((s) => s.tokenIds));
    expect(got[0].samples.map((s) => s.logprobs)).toEqual(expected[0].samples.map((s) => s.logprobs));
    const items = got[0].samples.map((s, i) => ({
      promptTokenIds: got[0].promptTokenIds,
      completionTokenIds: s.tokenIds,
      oldLogprobs: s.logprobs,
      advantage: i - 1,
    }));
    const scores = await hybrid.score(items);
    scores.forEach((sc, i) => sc.logprobs.forEach((lp, j) => expect(Math.abs(lp - items[i].oldLogprobs[j])).toBeLessThan(1e-5)));
    // After an update the copy samples from the new weights: the same seed now draws other logprobs.
    await hybrid.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 0.05 });
    const after = await hybrid.generate(['a prompt'], { n: 3, maxTokens: 10, temperature: 1, seed: 7 });
    expect(after[0].samples[0].logprobs).not.toEqual(got[0].samples[0].logprobs);
    expect(tf.memory().numTensors).toBe(before);
    hybrid.dispose();
    const same = await TfjsTransformerPolicy.create({ ...options, backend: 'cpu' });
    expect(same.generationBackend).toBe('cpu');
    same.dispose();
  });
});
