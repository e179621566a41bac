import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_KERNEL_CASES, useKernelCase } from '../kernels/test-kernels';
import type { TransformerKernels } from '../kernels/transformer-kernels';
import { packBatch } from '../training/pack-batch';
import { embedding } from './ops/embedding';
import { transformerPreset } from './presets';
import { Transformer } from './transformer';

/**
 * A pass with `outputRows` (at most half its token rows) runs its last layer from those rows only
 * (model/transformer.ts `pass`); it must give the full pass's logits at those rows, and the same gradients, for
 * whole rows and for rows sharing a prompt.
 */
for (const kernelCase of TEST_KERNEL_CASES)
  describe(`last layer from the output rows (${kernelCase.label})`, () => {
    let k: TransformerKernels;
    beforeAll(async () => {
      k = await useKernelCase(kernelCase);
    });

    const seq = (prompt: number[], completion: number[]) => ({ promptTokenIds: prompt, completionTokenIds: completion });
    const system = Array.from({ length: 30 }, (_, i) => 2 + ((i * 7) % 90));
    const layouts = {
      'whole rows': [seq([1, 2, 3, 4, 5, 6, 7, 8, 9], [6, 7, 8]), seq([9, 10, 11, 12, 13, 14], [11, 12, 13, 14])],
      'shared prompts': [
        seq([1, 2, 3, 4, 5, 6, 7, 8], [5, 6]),
        seq([1, 2, 3, 4, 5, 6, 7, 8], [7, 8, 9]),
        seq([3, 5, 7, 9, 11, 13], [9]),
        seq([3, 5, 7, 9, 11, 13], [2, 4, 6, 8]),
      ],
      'a common prefix': [system, [...system, 40, 41], [...system, 50], [...system, 60, 61, 62]].map((p, i) => seq(p, [70 + i, 71, 72].slice(0, 1 + i))),
    };
    for (const preset of ['llama-tiny', 'gpt2-tiny'])
      for (const [layout, items] of Object.entries(layouts))
        for (const order of ['in order', 'reversed, with repeats'])
          it(`${preset}, ${layout}, output rows ${order}: logits and gradients equal the full pass's rows`, () => {
            const model = Transformer.random(transformerPreset(preset), 4, k);
            const packed = packBatch(items, model.config);
            expect('prefixOf' in packed.tokens).toBe(layout !== 'whole rows');
            const given = Array.from(packed.outputRows);
            const rows = Int32Array.from(order === 'in order' ? given : [...given.reverse(), ...given.slice(0, 2)]);
            // The last layer runs from the output rows where they are at most half the token rows (transformer.ts).
            const tokenRows = 'prefixOf' in packed.tokens ? packed.tokens.prefixIds.length + packed.tokens.ids.length : packed.tokens.ids.length;
            expect(2 * rows.length).toBeLessThanOrEqual(tokenRows);
            const weights = tf.randomNormal([rows.length, model.config.vocabSize], 0, 1, 'float32', 3);
            const before = tf.memory().numTensors;
            const run = (pruned: boolean): { logits: Float32Array; grads: Float32Array[] } => {
              const vars = [...model.variables.values()];
              const logitsOf = (): tf.Tensor2D =>
                pruned ? model.forward(packed.tokens, { outputRows: rows }).logits : embedding(k, model.forward(packed.tokens).logits, rows);
              const logits = tf.tidy(logitsOf);
              const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(logitsOf(), weights)) as tf.Scalar, vars);
              const out = { logits: logits.dataSync() as Float32Array, grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
              tf.dispose([logits, value, ...Object.values(grads)]);
              return out;
            };
            const [full, pruned] = [run(false), run(true)];
            expect(tf.memory().numTensors).toBe(before);
            const close = (a: Float32Array, b: Float32Array, tol: number): void => {
              const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
              a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol * scale));
            };
            close(pruned.logits, full.logits, 1e-5);
            pruned.grads.forEach((g, i) => close(g, full.grads[i], 1e-5));
            tf.dispose(weights);
            model.dispose();
          });
  });
