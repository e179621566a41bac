// The KL reference path: `loadFrozen` loads saved weights for scoring only (no AdamW moments), scoring bit-exactly
// as a second trainable policy loaded from the same folder did; and `generate` samples from given token ids.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ScoredSequence } from '@srl/core';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_BACKEND } from './backend/test-backend';
import { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from './tfjs-transformer-policy';

const tmp = mkdtempSync(path.join(tmpdir(), 'srl-frozen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const options = (
  extra: Partial<TfjsTransformerPolicyOptions> = {},
): Partial<TfjsTransformerPolicyOptions> & Pick<TfjsTransformerPolicyOptions, 'preset' | 'config'> => ({
  preset: 'llama-tiny',
  config: {},
  backend: TEST_BACKEND,
  seed: 1,
  weightDecay: 0.01,
  saveDtype: 'F32',
  ...extra,
});
const bits = (xs: number[]): string => Buffer.from(Float64Array.from(xs).buffer).toString('hex');

describe('TfjsTransformerPolicy.loadFrozen (the KL reference)', () => {
  it('scores exactly as a trainable copy loaded from the same folder, holding one copy of the weights instead of three', async () => {
    const policy = await TfjsTransformerPolicy.create(options());
    const items = [{ promptTokenIds: [1, 5, 9], completionTokenIds: [3, 4, 5, 6] }];
    await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-2 });
    const dir = path.join(tmp, 'reference');
    await policy.save(dir); // weights and AdamW moments, as the runner's reference/ folder holds
    const weightBytes = policy.model.parameterCount() * 4;
    const sequences: ScoredSequence[] = [
      { promptTokenIds: [1, 2, 3], completionTokenIds: [7, 8, 9, 10] },
      { promptTokenIds: [1, 40], completionTokenIds: [41, 42] },
    ];

    const beforeOld = tf.memory().numBytes;
    const old = await TfjsTransformerPolicy.create(options({ seed: 7 }));
    await old.load(dir);
    const oldBytes = tf.memory().numBytes - beforeOld;
    // On tensorflow the trainable policy also holds the wasm copy it samples on (option generationBackend).
    const sampleCopies = old.generationBackend === old.backend ? 0 : 1;
    const expected = await old.score(sequences, { temperature: 0.7 });
    old.dispose();

    const before = tf.memory();
    const frozen = await policy.loadFrozen(dir);
    const frozenBytes = tf.memory().numBytes - before.numBytes;
    const got = await frozen.score(sequences, { temperature: 0.7 });
    for (const [i, s] of got.entries()) {
      expect(bits(s.logprobs)).toBe(bits(expected[i].logprobs));
      expect(bits(s.entropies)).toBe(bits(expected[i].entropies));
    }
    // One copy of the weights (plus the model's small RoPE tables); the trainable copy also holds AdamW's two moments.
    expect(frozenBytes).toBeGreaterThanOrEqual(weightBytes);
    expect(frozenBytes).toBeLessThan(weightBytes * 1.01);
    expect(oldBytes - frozenBytes).toBe(2 * weightBytes + sampleCopies * frozenBytes); // the copy: weights and RoPE tables, as the frozen model
    await frozen.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    policy.dispose();
  });

  it('generate samples from a tokenized prompt as given, the same as from its text', async () => {
    const policy = await TfjsTransformerPolicy.create(options());
    const text = policy.formatPrompt([{ role: 'user', content: 'add 2 and 3' }]);
    const tokenIds = policy.tokenize(text);
    const [fromText] = await policy.generate([text], { n: 2, maxTokens: 6, seed: 3 });
    const [fromIds] = await policy.generate([{ text, tokenIds }], { n: 2, maxTokens: 6, seed: 3 });
    expect(fromIds).toEqual(fromText);
    // The ids are what is sampled from: other ids, other samples, same reported text.
    const [other] = await policy.generate([{ text, tokenIds: tokenIds.slice(0, -3) }], { n: 2, maxTokens: 6, seed: 3 });
    expect(other.promptText).toBe(text);
    expect(other.promptTokenIds).toEqual(tokenIds.slice(0, -3));
    policy.dispose();
  });
});
