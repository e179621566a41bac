import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_KERNEL_CASES, useKernelCase } from '../src/kernels/test-kernels';
import type { TransformerKernels } from '../src/kernels/transformer-kernels';
import { tokenLogProbs } from '../src/model/ops/token-log-probs';
import { transformerPreset } from '../src/model/presets';
import { Transformer } from '../src/model/transformer';

// Whole-model gradients (custom-gradient linear, embedding, norms, RoPE, attention, tied head) against central
// finite differences of the cross-entropy, at a few coordinates of every parameter.
const ids = Int32Array.from([1, 7, 42, 9, 200, 3, 1, 99, 17, 4, 5, 6]); // 2 rows x 6
const rows = Int32Array.from([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
const targets = Int32Array.from([7, 42, 9, 200, 3, 99, 17, 4, 5, 6]);

function loss(model: Transformer): tf.Scalar {
  const { logits } = model.forward({ ids, batch: 2, length: 6 }, { outputRows: rows });
  return tf.neg(tf.mean(tokenLogProbs(logits, targets).logprobs)) as tf.Scalar;
}

for (const kernelCase of ALL_KERNEL_CASES) {
  describe(`model gradients (${kernelCase.label})`, () => {
    let kernels: TransformerKernels;
    beforeAll(async () => {
      kernels = await useKernelCase(kernelCase);
    });

    for (const preset of ['gpt2-tiny', 'llama-tiny', 'qwen2-tiny']) {
      it(`${preset}: analytic = finite differences`, () => {
        const model = Transformer.random(transformerPreset(preset), 5, kernels);
        // Larger weights than the 0.02 init, so that every path carries gradient well above float32 noise.
        tf.tidy(() => {
          for (const v of model.variables.values()) if (v.rank === 2) v.assign(tf.mul(v, 10));
        });
        const vars = [...model.variables.values()];
        const { grads } = tf.variableGrads(() => loss(model), vars);
        const eps = 1e-2;
        let worst = 0;
        let where = '';
        let seed = 3;
        for (const [name, v] of model.variables) {
          const g = grads[v.name].dataSync();
          const base = v.dataSync().slice();
          for (let s = 0; s < 3; s++) {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            const j = seed % v.size;
            const at = (delta: number): number => {
              const data = base.slice();
              data[j] += delta;
              tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
              return tf.tidy(() => loss(model).dataSync()[0]);
            };
            const numeric = (at(eps) - at(-eps)) / (2 * eps);
            tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
            const err = Math.abs(g[j] - numeric) / Math.max(0.05, Math.abs(numeric));
            if (err > worst) (worst = err), (where = `${name}[${j}]: ${g[j]} vs ${numeric}`);
          }
        }
        tf.dispose(Object.values(grads));
        model.dispose();
        expect(worst, where).toBeLessThan(0.02);
      });
    }
  });
}
