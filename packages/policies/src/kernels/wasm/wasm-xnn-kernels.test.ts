import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../backend/select-backend';
import { TEST_BACKEND } from '../../backend/test-backend';
import { gemmFused } from './simd-gemm';
import { heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';
import { denseOnHeap, denseOnSimdProduct, packDense, packedDenseBytes } from './wasm-xnn-kernels';

// Without fused multiply-adds (relaxed SIMD off: SRL_WASM_FMA=0) the dense layers stay on XNNPACK: nothing to test.
describe.skipIf(!gemmFused())('dense on the SIMD product with weights packed beforehand', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  // [600, 256] packs in two blocks of k (512 and 88 rows); [64, 44] in one, with a 4-column panel.
  it.each([
    [20, 600, 256],
    [16, 64, 44],
  ])('%i rows, [%i, %i]: the same bits as packing in the call, in every block of k', (M, K, N) => {
    const be = wasmInternals() as WasmInternals;
    expect(denseOnSimdProduct(be, N)).toBe(true);
    const x = tf.tensor2d(
      Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.37)),
      [M, K],
    );
    const w = tf.tensor2d(
      Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.11) / 8),
      [K, N],
    );
    const b = tf.tensor1d(Float32Array.from({ length: N }, (_, i) => i / 100));
    const [o1, o2] = [tf.zeros([M, N]), tf.zeros([M, N])];
    const bytes = packedDenseBytes(K, N);
    expect(bytes).toBe(4 * K * Math.ceil(N / 8) * 8);
    const pointer = be.wasm._malloc(bytes + 16);
    const at = (pointer + 15) & ~15;
    packDense(be, heapIndex(be, w), at, K, N);
    const [xi, wi, bi] = [x, w, b].map((t) => heapIndex(be, t));
    denseOnHeap(be, xi, M, K, N, wi, bi, heapIndex(be, o1));
    denseOnHeap(be, xi, M, K, N, wi, bi, heapIndex(be, o2), at);
    be.wasm._free(pointer);
    const [r1, r2] = [o1, o2].map((t) => Array.from(be.wasm.HEAPF32.subarray(heapIndex(be, t), heapIndex(be, t) + M * N)));
    expect(r2).toEqual(r1);
    const want = tf.tidy(() => tf.add(tf.matMul(x, w), b).dataSync());
    r1.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([x, w, b, o1, o2]);
  });
});
