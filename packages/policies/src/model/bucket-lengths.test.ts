import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { packBatch } from '../training/pack-batch';
import { bucketLengths } from './bucket-lengths';
import { isPrefixBatch } from './prefix-attention';
import { transformerPreset } from './presets';
import { Transformer } from './transformer';

describe('bucketLengths', () => {
  it('pads rows to the bucket and moves the output rows, capped at maxPositions', () => {
    const b = { ids: Int32Array.from([1, 2, 3, 4, 5, 6]), batch: 2, length: 3 };
    const out = bucketLengths(b, Int32Array.from([2, 4]), 4, 100);
    expect(out.batch).toEqual({ ids: Int32Array.from([1, 2, 3, 0, 4, 5, 6, 0]), batch: 2, length: 4 });
    expect(Array.from(out.outputRows as Int32Array)).toEqual([2, 5]);
    expect(Array.from(bucketLengths(b, undefined, 4, 100).outputRows as Int32Array)).toEqual([0, 1, 2, 4, 5, 6]);
    expect(bucketLengths(b, undefined, 8, 3).batch).toBe(b); // capped: nothing to pad
  });

  it('pads a prefix batch: prefixes to the bucket, continuations to a multiple of 4', () => {
    const b = {
      prefixIds: Int32Array.from([1, 2, 3, 4, 5]),
      prefixes: 1,
      prefixLength: 5,
      prefixLengths: Int32Array.of(5),
      ids: Int32Array.from([6, 7, 8, 9, 10, 11]),
      batch: 2,
      length: 3,
      prefixOf: new Int32Array(2),
    };
    const out = bucketLengths(b, Int32Array.from([4, 5, 8]), 8, 100);
    expect(out.batch).toMatchObject({ prefixIds: Int32Array.from([1, 2, 3, 4, 5, 0, 0, 0]), prefixLength: 8, length: 4, prefixLengths: Int32Array.of(5) });
    expect(Array.from((out.batch as typeof b).ids)).toEqual([6, 7, 8, 0, 9, 10, 11, 0]);
    expect(Array.from(out.outputRows as Int32Array)).toEqual([4, 8, 12]);
  });
});

for (const kernelCase of TEST_KERNEL_CASES)
  describe(`padded lengths give the same logits and gradients (${kernelCase.label})`, () => {
    let k: TransformerKernels;
    beforeAll(async () => {
      k = await useKernelCase(kernelCase);
    });
    const seq = (prompt: number[], completion: number[]) => ({ promptTokenIds: prompt, completionTokenIds: completion });
    const system = Array.from({ length: 30 }, (_, i) => 2 + ((i * 7) % 90));
    const layouts = {
      'whole rows': [seq([1, 2, 3, 4, 5], [6, 7, 8]), seq([9, 10], [11, 12, 13])],
      'shared prompts': [seq([1, 2, 3, 4, 5], [5, 6]), seq([1, 2, 3, 4, 5], [7, 8, 9]), seq([3, 5, 7], [9]), seq([3, 5, 7], [2, 4, 6])],
      'a common prefix': [system, [...system, 40, 41], [...system, 50], [...system, 60, 61, 62]].map((p, i) => seq(p, [70 + i, 71, 72].slice(0, 1 + i))),
    };
    for (const [layout, items] of Object.entries(layouts))
      it(layout, () => {
        const results = [1, 8].map((lengthBucket) => {
          const model = Transformer.random(transformerPreset('llama-tiny'), 5, { ...k, lengthBucket });
          const packed = packBatch(items, model.config);
          expect(isPrefixBatch(packed.tokens)).toBe(layout !== 'whole rows');
          const vars = [...model.variables.values()];
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.square(model.forward(packed.tokens, { outputRows: packed.outputRows }).logits)) as tf.Scalar,
            vars,
          );
          const logits = tf.tidy(() => model.forward(packed.tokens, { mode: 'score', outputRows: packed.outputRows }).logits);
          const out = { logits: logits.dataSync() as Float32Array, grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
          tf.dispose([value, logits, ...Object.values(grads)]);
          model.dispose();
          return out;
        });
        const close = (a: Float32Array, b: Float32Array): void => {
          const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
          a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(1e-5 * scale));
        };
        close(results[1].logits, results[0].logits);
        results[1].grads.forEach((g, i) => close(g, results[0].grads[i]));
      });
  });
