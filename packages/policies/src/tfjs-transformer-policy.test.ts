import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { isTrainablePolicy, type TrainingItem } from '@srl/core';
import { afterAll, describe, expect, it } from 'vitest';
import { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';
import { TEST_BACKEND } from './backend/test-backend';
import { TEST_KERNEL_CASES } from './kernels/test-kernels';

const tmp = mkdtempSync(path.join(tmpdir(), 'srl-policy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const options = (extra: Partial<TfjsTransformerPolicyOptions>): Partial<TfjsTransformerPolicyOptions> => ({
  preset: 'llama-tiny',
  config: {},
  backend: TEST_BACKEND,
  seed: 1,
  weightDecay: 0.01,
  saveDtype: 'F32',
  ...extra,
});
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

for (const { kernels, label } of TEST_KERNEL_CASES)
  for (const preset of ['llama-tiny', 'gpt2-tiny']) {
    describe(`TfjsTransformerPolicy (${preset}, byte tokenizer, ${label})`, () => {
      it('generates from chats and strings, scores its own samples to their logprobs, trains, and leaks nothing', async () => {
        const policy = await TfjsTransformerPolicy.create(options({ preset, kernels }));
        expect(policy.model.kernels.name).toBe(kernels);
        expect(isTrainablePolicy(policy)).toBe(true);
        const chat = [{ role: 'user' as const, content: 'hi' }];
        expect(policy.formatPrompt(chat)).toContain('hi');
        const before = tf.memory().numTensors;
        const gens = await policy.generate([chat, 'plain text'], { n: 3, maxTokens: 8, temperature: 1, seed: 4 });
        expect(gens).toHaveLength(2);
        expect(gens[0].promptTokenIds).toEqual(policy.tokenize(gens[0].promptText));
        const items: TrainingItem[] = gens.flatMap((g) =>
          g.samples.map((s, i) => ({ promptTokenIds: g.promptTokenIds, completionTokenIds: s.tokenIds, oldLogprobs: s.logprobs, advantage: i - 1 })),
        );
        const scores = await policy.score(items);
        scores.forEach((sc, i) => sc.logprobs.forEach((lp, j) => expect(Math.abs(lp - (items[i].oldLogprobs as number[])[j])).toBeLessThan(1e-5)));
        const r = await policy.trainStep({
          objective: { kind: 'clipped-policy-gradient', clipLow: 0.2, clipHigh: 0.28, klBeta: 0, aggregation: 'token-mean' },
          items,
          learningRate: 1e-3,
          maxGradNorm: 1,
        });
        expect(r.skipped).toBe(false);
        expect(r.clipFraction).toBe(0); // first step on fresh samples: every ratio is 1
        expect(tf.memory().numTensors).toBe(before);
        policy.dispose();
      });

      it('saves a Hugging Face checkpoint and resumes bit-exactly (weights, optimizer, RNG)', async () => {
        const a = await TfjsTransformerPolicy.create(options({ preset, kernels }));
        const items: TrainingItem[] = [{ promptTokenIds: [1, 2], completionTokenIds: [3, 4, 5] }];
        const step = (p: TfjsTransformerPolicy) => p.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-2 });
        await step(a);
        const dir = path.join(tmp, `${preset}-${kernels}-ckpt`);
        await a.save(dir);
        await step(a);
        const after = await a.generate(['x'], { n: 2, maxTokens: 5 });

        const b = await TfjsTransformerPolicy.create(options({ preset, kernels, seed: 99 }));
        await b.load(dir);
        await step(b);
        const again = await b.generate(['x'], { n: 2, maxTokens: 5 });
        for (const [name, t] of a.model.toHuggingFace()) expect(bits(b.model.toHuggingFace().get(name)!.data)).toEqual(bits(t.data));
        expect(again).toEqual(after);
        // The folder is a checkpoint to start from, too.
        const c = await TfjsTransformerPolicy.create(options({ preset: 'gpt2-tiny', kernels, checkpoint: dir }));
        expect(c.model.config).toEqual(a.model.config);
        [a, b, c].forEach((p) => p.dispose());
      });
    });
  }

describe('TfjsTransformerPolicy from a transformers Qwen2 checkpoint', () => {
  const fixture = fileURLToPath(new URL('./checkpoint/fixtures/transformers-tiny-qwen2/', import.meta.url));
  it('loads with its tokenizer.json and chat template and generates from a chat', async () => {
    const policy = await TfjsTransformerPolicy.create(options({ checkpoint: fixture }));
    expect(policy.model.config.family).toBe('qwen2');
    const [g] = await policy.generate([[{ role: 'user', content: 'hello world, the cat sat 🙂' }]], { n: 2, maxTokens: 6, temperature: 0 });
    expect(g.samples[0].tokenIds).toEqual(g.samples[1].tokenIds);
    expect(g.samples[0].tokenIds.length).toBeGreaterThan(0);
    policy.dispose();
  });
});
