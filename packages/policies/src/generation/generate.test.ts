import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KvCache } from '../model/kv-cache';
import { transformerPreset } from '../model/presets';
import { Transformer } from '../model/transformer';
import { generate, type GenerateOptions } from './generate';
import { SeededRng } from '@srl/core';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';

/** A random model with weights scaled up, so that logits are spread out (no near-ties for argmax). */
function sharpModel(preset: string, seed: number, kernels: TransformerKernels): Transformer {
  const model = Transformer.random(transformerPreset(preset), seed, kernels);
  tf.tidy(() => {
    for (const [name, v] of model.variables) if (name.endsWith('weight') && v.rank === 2) v.assign(tf.mul(v, 12));
  });
  return model;
}

const prompts = [[5, 9, 13], [1, 2, 3, 4, 5, 6, 7], [42]];
const base = (rng: SeededRng, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  n: 3,
  temperature: 0.9,
  topP: 0.95,
  topK: 50,
  maxTokens: 12,
  eosTokenIds: [],
  rng,
  ...extra,
});

for (const kernelCase of TEST_KERNEL_CASES)
  for (const preset of ['gpt2-tiny', 'llama-tiny', 'qwen2-tiny']) {
    describe(`generate on ${preset} (${kernelCase.label})`, () => {
      let model: Transformer;
      beforeAll(async () => {
        model = sharpModel(preset, 11, await useKernelCase(kernelCase));
      });
      afterAll(() => model.dispose());

      it("reports each token through onToken, ending with each sample's tokens and logprobs, without changing them", async () => {
        const seen = new Map<string, { tokens: number[]; logprobs: number[]; finished: number }>();
        const opts = base(new SeededRng(3), { eosTokenIds: [7] });
        const out = await generate(model, prompts, {
          ...opts,
          onToken: (e) => {
            const key = `${e.prompt}/${e.sample}`;
            const prev = seen.get(key) ?? { tokens: [], logprobs: [], finished: 0 };
            expect(e.tokenIds.slice(0, -1)).toEqual(prev.tokens); // one new token per event
            seen.set(key, { tokens: [...e.tokenIds], logprobs: [...e.logprobs], finished: prev.finished + (e.finished ? 1 : 0) });
          },
        });
        expect(await generate(model, prompts, base(new SeededRng(3), { eosTokenIds: [7] }))).toEqual(out);
        out.forEach((g, p) => g.forEach((s, j) => expect(seen.get(`${p}/${j}`)).toEqual({ tokens: s.tokenIds, logprobs: s.logprobs, finished: 1 })));
      });

      it('agrees token for token with the uncached path (greedy and sampled), logprobs within 1e-4', async () => {
        for (const extra of [{ temperature: 0 }, {}, { topK: 0, topP: 1 }] as Partial<GenerateOptions>[]) {
          const before = tf.memory().numTensors;
          const cached = await generate(model, prompts, base(new SeededRng(7), extra));
          const uncached = await generate(model, prompts, base(new SeededRng(7), { ...extra, useCache: false }));
          expect(tf.memory().numTensors).toBe(before);
          expect(cached.map((g) => g.map((s) => s.tokenIds))).toEqual(uncached.map((g) => g.map((s) => s.tokenIds)));
          cached.flat().forEach((s, i) => {
            const u = uncached.flat()[i];
            expect(s.finishReason).toBe(u.finishReason);
            s.logprobs.forEach((lp, j) => expect(Math.abs(lp - u.logprobs[j])).toBeLessThan(1e-4));
          });
          expect(cached.map((g) => g.length)).toEqual([3, 3, 3]);
        }
      });

      it('ends samples at eos (kept, with its logprob) and at stop strings (cut from the text), cached = uncached', async () => {
        const detokenize = (ids: number[]): string => ids.map((i) => String.fromCharCode(97 + (i % 26))).join('');
        // The eos ids: the 8 tokens most frequent in an unconstrained run, so that samples end at different steps and the
        // cache gets compacted. The stop letter: sample 4's first token (no sample ends before it is drawn).
        const free = (await generate(model, prompts, base(new SeededRng(3), { maxTokens: 16 }))).flat();
        const counts = new Map<number, number>();
        for (const s of free) for (const t of new Set(s.tokenIds)) counts.set(t, (counts.get(t) ?? 0) + 1);
        const eos = [...counts.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([t]) => t);
        const stop = detokenize([free[4].tokenIds[0]]);
        const runs = [];
        for (const useCache of [true, false]) {
          const compactions = vi.spyOn(KvCache.prototype, 'selectRows');
          const out = (await generate(model, prompts, base(new SeededRng(3), { maxTokens: 16, eosTokenIds: eos, useCache }))).flat();
          expect(compactions.mock.calls.length > 0).toBe(useCache);
          compactions.mockRestore();
          expect(out.filter((s) => s.finishReason === 'eos').length).toBeGreaterThanOrEqual(5);
          for (const s of out) {
            if (s.finishReason === 'eos') expect(s.tokenIds.findIndex((t) => eos.includes(t))).toBe(s.tokenIds.length - 1);
            else expect(s.tokenIds).toHaveLength(16);
            expect(s.logprobs).toHaveLength(s.tokenIds.length);
          }
          const stopped = (await generate(model, prompts, base(new SeededRng(3), { maxTokens: 16, stop: [stop], detokenize, useCache }))).flat();
          expect(stopped[4]).toMatchObject({ finishReason: 'stop', text: '' });
          for (const s of stopped) {
            expect(s.text?.includes(stop)).toBe(false);
            if (s.finishReason === 'stop') expect(detokenize(s.tokenIds)).toBe(`${s.text}${stop}`);
          }
          runs.push([out.map((s) => s.tokenIds), stopped.map((s) => s.tokenIds)]);
        }
        expect(runs[0]).toEqual(runs[1]);
      });

      it('is reproducible from a seed, and n samples share one prefill', async () => {
        const spy = vi.spyOn(model, 'forward');
        const a = await generate(model, prompts, base(new SeededRng(5)));
        expect(spy).toHaveBeenCalledTimes(1);
        spy.mockRestore();
        const b = await generate(model, prompts, base(new SeededRng(5)));
        const c = await generate(model, prompts, base(new SeededRng(6)));
        expect(a).toEqual(b);
        expect(a).not.toEqual(c);
      });

      it('stops at maxPositions and refuses bad prompts', async () => {
        const long = Array.from({ length: 126 }, (_, i) => i % 200);
        const [[s]] = await generate(model, [long], base(new SeededRng(1), { n: 1, maxTokens: 10 }));
        expect(s.tokenIds).toHaveLength(2);
        expect(s.finishReason).toBe('length');
        await expect(generate(model, [[]], base(new SeededRng(1)))).rejects.toThrow(/prompt 0 is empty/);
        await expect(generate(model, [[1, 999]], base(new SeededRng(1)))).rejects.toThrow(/token id 999/);
        await expect(generate(model, [[1]], base(new SeededRng(1), { topP: 0 }))).rejects.toThrow(/topP/);
      });
    });
  }
