import * as tf from '@tensorflow/tfjs-core';
import { referenceKernels } from '../../kernels/reference-kernels';
import type { TransformerKernels } from '../../kernels/transformer-kernels';
import { customOp } from './custom-op';

/**
 * Rotary position embeddings in the Hugging Face convention (`rotate_half`: the first and second halves of each
 * head are the pairs), which is also llama2.c's once q/k rows are permuted per head (as HF checkpoints are).
 * Frequencies follow llama2.c / HF in float32: inv_freq_i = 1 / theta^(2i/D), angle = fround(pos * inv_freq_i).
 * Owns one [D, D] tensor (the rotate_half matrix); call dispose().
 */
export class Rope {
  readonly headDim: number;
  private readonly invFreq: Float32Array;
  /** x @ rotation == rotate_half(x) == [-x2, x1]. */
  private readonly rotation: tf.Tensor2D;
  private readonly kernels: TransformerKernels;

  constructor(headDim: number, theta: number, kernels: TransformerKernels = referenceKernels) {
    this.kernels = kernels;
    // Invariant: validateTransformerConfig reports an odd RoPE head size to the user first.
    if (headDim % 2 !== 0) throw new Error(`Rope: head dimension ${headDim} must be even`);
    this.headDim = headDim;
    const half = headDim / 2;
    this.invFreq = new Float32Array(half);
    for (let i = 0; i < half; i++) {
      const exponent = Math.fround((2 * i) / headDim);
      this.invFreq[i] = Math.fround(1 / Math.fround(Math.fround(theta) ** exponent));
    }
    const r = new Float32Array(headDim * headDim);
    for (let j = 0; j < half; j++) {
      r[(j + half) * headDim + j] = -1; // out[j] = -x[j + half]
      r[j * headDim + j + half] = 1; // out[j + half] = x[j]
    }
    this.rotation = tf.keep(tf.tensor2d(r, [headDim, headDim]));
  }

  /**
   * cos and sin tables [positions.length * heads, D] for rows laid out as (token, head), built on the CPU.
   * The caller owns both tensors.
   */
  tables(positions: Int32Array, heads: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
    const D = this.headDim;
    const half = D / 2;
    const cos = new Float32Array(positions.length * heads * D);
    const sin = new Float32Array(positions.length * heads * D);
    const rowCos = new Float32Array(D);
    const rowSin = new Float32Array(D);
    for (let t = 0; t < positions.length; t++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(positions[t] * this.invFreq[i]);
        rowCos[i] = rowCos[i + half] = Math.cos(angle);
        rowSin[i] = rowSin[i + half] = Math.sin(angle);
      }
      for (let h = 0; h < heads; h++) {
        cos.set(rowCos, (t * heads + h) * D);
        sin.set(rowSin, (t * heads + h) * D);
      }
    }
    return { cos: tf.tensor2d(cos, [positions.length * heads, D]), sin: tf.tensor2d(sin, [positions.length * heads, D]) };
  }

  /**
   * Tables for a fused projection [N, (H + 2*Hkv) * D] viewed as rows (token, head slot) [N * (H + 2*Hkv), D]:
   * query slots rotate and scale by `qScale` (attention's 1/sqrt(D), folded in), key slots rotate, value slots
   * pass through (cos 1, sin 0). The caller owns both tensors.
   */
  qkvTables(positions: Int32Array, heads: number, kvHeads: number, qScale: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
    const D = this.headDim;
    const half = D / 2;
    const slots = heads + 2 * kvHeads;
    const cos = new Float32Array(positions.length * slots * D);
    const sin = new Float32Array(positions.length * slots * D);
    // One query-slot row and one key-slot row per position, copied into every slot (value slots: cos 1, sin 0).
    const [qc, qs, kc, ks] = [0, 1, 2, 3].map(() => new Float32Array(D));
    for (let t = 0; t < positions.length; t++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(positions[t] * this.invFreq[i]);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        qc[i] = qc[i + half] = c * qScale;
        qs[i] = qs[i + half] = s * qScale;
        kc[i] = kc[i + half] = c;
        ks[i] = ks[i + half] = s;
      }
      const row = t * slots * D;
      for (let h = 0; h < heads; h++) cos.set(qc, row + h * D), sin.set(qs, row + h * D);
      for (let h = heads; h < heads + kvHeads; h++) cos.set(kc, row + h * D), sin.set(ks, row + h * D);
      cos.fill(1, row + (heads + kvHeads) * D, row + slots * D);
    }
    return { cos: tf.tensor2d(cos, [positions.length * slots, D]), sin: tf.tensor2d(sin, [positions.length * slots, D]) };
  }

  /**
   * Per-row tables [positions.length * D] for one decoding step, the same numbers `qkvTables` puts in a query
   * slot (scaled) and a key slot of that row.
   */
  decodeTables(positions: Int32Array, qScale: number): { qCos: Float32Array; qSin: Float32Array; kCos: Float32Array; kSin: Float32Array } {
    const D = this.headDim;
    const half = D / 2;
    const n = positions.length * D;
    const t = { qCos: new Float32Array(n), qSin: new Float32Array(n), kCos: new Float32Array(n), kSin: new Float32Array(n) };
    for (let r = 0; r < positions.length; r++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(positions[r] * this.invFreq[i]);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const at = r * D + i;
        t.qCos[at] = t.qCos[at + half] = c * qScale;
        t.qSin[at] = t.qSin[at + half] = s * qScale;
        t.kCos[at] = t.kCos[at + half] = c;
        t.kSin[at] = t.kSin[at + half] = s;
      }
    }
    return t;
  }

  /** The float32 inverse frequencies 1 / theta^(2i/D), i < D/2. */
  inverseFrequencies(): Float32Array {
    return this.invFreq.slice();
  }

  /**
   * x * cos + rotate_half(x) * sin for x [M, D] (rows = (token, head)); cos/sin from `tables`. The gradient is
   * dy * cos - rotate_half(dy * sin), since the rotation matrix is antisymmetric. The caller owns the result.
   */
  apply(x: tf.Tensor2D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor2D {
    const rotation = this.rotation;
    const k = this.kernels;
    // cos and sin go through `save`: tensors captured by the closure would be freed before the backward pass.
    const op = customOp<tf.Tensor2D>(([xi, c, s], save) => {
      save([c, s]);
      return {
        value: tf.add(tf.mul(xi, c), tf.mul(k.matMul(xi as tf.Tensor2D, rotation), s)) as tf.Tensor2D,
        gradFunc: (g, [sc, ss]) => [tf.sub(tf.mul(g, sc), k.matMul(tf.mul(g, ss) as tf.Tensor2D, rotation)), tf.zerosLike(sc), tf.zerosLike(ss)],
      };
    });
    return op(x, cos, sin);
  }

  dispose(): void {
    this.rotation.dispose();
  }
}
