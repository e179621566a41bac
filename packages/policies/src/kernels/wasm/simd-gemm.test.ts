import { describe, expect, it } from 'vitest';
import { simdGemm } from './simd-gemm';
import { webAssembly } from './simd-module';

describe('WebAssembly SIMD batched product', () => {
  const memory = new webAssembly.Memory({ initial: 4 });
  const k = simdGemm(memory);
  const heap = (): Float32Array => new Float32Array(memory.buffer);

  /** The product in float64 from the same layout, for entries e < n. */
  function expected(h: Float32Array, n: number, M: number, K: number, N: number, aAt: (e: number, m: number, kk: number) => number, b: number): Float64Array {
    const out = new Float64Array(n * M * N);
    for (let e = 0; e < n; e++)
      for (let m = 0; m < M; m++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let kk = 0; kk < K; kk++) s += h[aAt(e, m, kk)] * h[b + e * K * N + kk * N + j];
          out[(e * M + m) * N + j] = s;
        }
    return out;
  }

  it('compiles in this runtime', () => expect(k).not.toBeNull());

  // 44 columns: one 32-column tile and three 4-column vectors; odd M and K.
  it.each([
    [3, 5, 7, 44, false],
    [2, 9, 3, 4, true],
    [1, 1, 1, 32, true],
  ])('n %i, [%i, %i] x [%i]: equals the product (transposed left operand: %s)', (n, M, K, N, transposed) => {
    const h = heap();
    const [A, B, O] = [0, 8192, 16384];
    for (let i = 0; i < n * M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < n * K * N; i++) h[B + i] = Math.cos(i * 0.3);
    h.fill(NaN, O, O + n * M * N);
    // transposed: a_e is stored [K, M] and read as its transpose
    const aAt = transposed
      ? (e: number, m: number, kk: number) => A + e * M * K + kk * M + m
      : (e: number, m: number, kk: number) => A + e * M * K + m * K + kk;
    const [aRow, aCol] = transposed ? [4, 4 * M] : [4 * K, 4];
    k!.gemm(A * 4, B * 4, O * 4, n, M, K, 4 * N, aRow, aCol, 4 * M * K, 4 * K * N, 0, 4 * N);
    const want = expected(h, n, M, K, N, aAt, B);
    for (let i = 0; i < want.length; i++) expect(h[O + i]).toBeCloseTo(want[i], 5);
  });

  it('gives the same bits with column tiles of every width as one vector at a time', () => {
    const h = heap();
    const [M, K, N] = [5, 9, 60]; // 32 + 16 + 8 + 4 columns
    const [A, B, O, P] = [0, 4096, 8192, 12288];
    for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.3);
    k!.gemm(A * 4, B * 4, O * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, 0, 4 * N);
    // One 4-column panel at a time: b and out offset to the panel, colBytes 16 (the one-vector tile only).
    for (let j = 0; j < N; j += 4) k!.gemm(A * 4, (B + j) * 4, (P + j) * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, 0, 16);
    expect(Array.from(h.subarray(O, O + M * N))).toEqual(Array.from(h.subarray(P, P + M * N)));
  });

  it('gives the same bits with tiles of four rows as one row at a time', () => {
    const h = heap();
    const [M, K, N] = [11, 13, 44]; // two groups of four rows and three single rows; 8- and 4-column tiles
    const [A, B, O, P] = [0, 4096, 8192, 12288];
    for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.3);
    k!.gemm(A * 4, B * 4, O * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, 0, 4 * N);
    for (let m = 0; m < M; m++) k!.gemm((A + m * K) * 4, B * 4, (P + m * N) * 4, 1, 1, K, 4 * N, 4 * K, 4, 0, 0, 0, 4 * N);
    expect(Array.from(h.subarray(O, O + M * N))).toEqual(Array.from(h.subarray(P, P + M * N)));
  });

  it('accumulates into the output in blocks of k (-1), or overwrites it (0)', () => {
    const h = heap();
    const [M, K, N] = [6, 10, 36];
    const [A, B, O] = [0, 4096, 8192];
    for (let i = 0; i < K * M; i++) h[A + i] = Math.sin(i * 0.9); // stored [K, M], read transposed
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.4);
    h.fill(1e30, O, O + M * N);
    for (const [k0, kb] of [
      [0, 4],
      [4, 4],
      [8, 2],
    ])
      k!.gemm((A + k0 * M) * 4, (B + k0 * N) * 4, O * 4, 1, M, kb, 4 * N, 4, 4 * M, 0, 0, k0 === 0 ? 0 : -1, 4 * N);
    const want = expected(h, 1, M, K, N, (_e, m, kk) => A + kk * M + m, B);
    for (let i = 0; i < want.length; i++) expect(h[O + i]).toBeCloseTo(want[i], 5);
  });
});
