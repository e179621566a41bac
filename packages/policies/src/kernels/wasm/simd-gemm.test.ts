import { describe, expect, it } from 'vitest';
import { gemmScratchBytes, packedPanelsBytes, simdGemmWith, type SimdGemm } from './simd-gemm';
import { relaxedSimd, webAssembly } from './simd-module';

const memory = new webAssembly.Memory({ initial: 8 });
const heap = (): Float32Array => new Float32Array(memory.buffer);
/** Float index of the scratch area (the test operands live below it). */
const S = 65536;

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

/** a [M, K] @ b [K, N], row-major at float indices A, B, into O. */
const product = (k: SimdGemm, A: number, B: number, O: number, M: number, K: number, N: number, accumulate = 0): void =>
  k.gemm(A * 4, B * 4, O * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, accumulate, S * 4, 1);

const variants = [
  ['separate multiply and add', false],
  ['fused multiply-add (relaxed SIMD)', true],
] as const;

it('scratch holds a packed row group and b packed into 8-column panels', () => {
  expect(gemmScratchBytes(3, 4)).toBe(16 * 3 + 4 * 3 * 8);
  expect(gemmScratchBytes(5, 24)).toBe(16 * 5 + 4 * 5 * 24);
  expect(S * 4 + gemmScratchBytes(64, 64)).toBeLessThan(memory.buffer.byteLength);
});

describe.each(variants)('WebAssembly SIMD batched product, %s', (_name, fused) => {
  const k = simdGemmWith(fused, memory);
  // Node 22+ has relaxed SIMD on; Node 20 gets it from the flag relaxedSimd() sets; SRL_WASM_FMA=0 turns it off.
  const off = fused && process.env.SRL_WASM_FMA === '0';
  it(off ? 'is off with SRL_WASM_FMA=0' : 'compiles in this runtime', () => {
    if (off) expect([k, relaxedSimd()]).toEqual([null, false]);
    else expect(k).not.toBeNull();
  });
  if (k === null) return;

  // 44 columns: five 8-column panels and one of 4; odd M and K.
  it.each([
    [3, 5, 7, 44, false],
    [2, 9, 3, 4, true],
    [1, 1, 1, 32, true],
    [2, 13, 17, 12, false],
  ])('n %i, [%i, %i] x [%i]: equals the product (transposed left operand: %s)', (n, M, K, N, transposed) => {
    const h = heap();
    const [A, B, O] = [0, 8192, 16384];
    for (let i = 0; i < n * M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < n * K * N; i++) h[B + i] = Math.cos(i * 0.3);
    h.fill(Number.NaN, O, O + n * M * N);
    // transposed: a_e is stored [K, M] and read as its transpose
    const aAt = transposed
      ? (e: number, m: number, kk: number) => A + e * M * K + kk * M + m
      : (e: number, m: number, kk: number) => A + e * M * K + m * K + kk;
    const [aRow, aCol] = transposed ? [4, 4 * M] : [4 * K, 4];
    k.gemm(A * 4, B * 4, O * 4, n, M, K, 4 * N, aRow, aCol, 4 * M * K, 4 * K * N, 0, S * 4, 1);
    const want = expected(h, n, M, K, N, aAt, B);
    for (let i = 0; i < want.length; i++) expect(h[O + i]).toBeCloseTo(want[i], 5);
  });

  if (!fused)
    it('sums over k in order in float32: acc = fround(acc + fround(a * b)), bit for bit', () => {
      const h = heap();
      const [M, K, N] = [6, 23, 20];
      const [A, B, O] = [0, 4096, 8192];
      for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 1.3) * 3;
      for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.7) / 7;
      product(k, A, B, O, M, K, N);
      for (let m = 0; m < M; m++)
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let kk = 0; kk < K; kk++) acc = Math.fround(acc + Math.fround(h[A + m * K + kk] * h[B + kk * N + j]));
          expect(h[O + m * N + j]).toBe(acc);
        }
    });

  it('gives the same bits with column panels of every width as one 4-column slice at a time', () => {
    const h = heap();
    const [M, K, N] = [5, 9, 60]; // seven 8-column panels and one of 4
    const [A, B, O, P, Bj, Oj] = [0, 4096, 8192, 12288, 16384, 20480];
    for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.3);
    product(k, A, B, O, M, K, N);
    for (let j = 0; j < N; j += 4) {
      for (let kk = 0; kk < K; kk++) for (let c = 0; c < 4; c++) h[Bj + kk * 4 + c] = h[B + kk * N + j + c];
      product(k, A, Bj, Oj, M, K, 4);
      for (let m = 0; m < M; m++) for (let c = 0; c < 4; c++) h[P + m * N + j + c] = h[Oj + m * 4 + c];
    }
    expect(Array.from(h.subarray(O, O + M * N))).toEqual(Array.from(h.subarray(P, P + M * N)));
  });

  it('gives the same bits with b read in place as with b packed, for every tile', () => {
    const h = heap();
    const [M, K, N] = [11, 13, 44];
    const [A, B, O, P] = [0, 4096, 8192, 12288];
    for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.3);
    for (const accumulate of [0, -1]) {
      h.fill(0.5, O, O + M * N);
      h.fill(0.5, P, P + M * N);
      k.gemm(A * 4, B * 4, O * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, accumulate, S * 4, 1);
      k.gemm(A * 4, B * 4, P * 4, 1, M, K, 4 * N, 4 * K, 4, 0, 0, accumulate, S * 4, 0);
      expect(Array.from(h.subarray(P, P + M * N))).toEqual(Array.from(h.subarray(O, O + M * N)));
    }
  });

  it('gives the same bits with b packed beforehand (packPanels, packB 2) as packed in the call, entry by entry', () => {
    const h = heap();
    const [n, M, K, N] = [2, 9, 13, 44]; // five 8-column panels and one of 4 per entry
    const [A, B, O, P, Q] = [0, 4096, 8192, 12288, 20480];
    const packed = packedPanelsBytes(K, N);
    expect(packed).toBe(4 * K * 48);
    for (let i = 0; i < n * M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < n * K * N; i++) h[B + i] = Math.cos(i * 0.3);
    for (let e = 0; e < n; e++) k.packPanels((B + e * K * N) * 4, Q * 4 + e * packed, K, 4 * N);
    for (const accumulate of [0, -1]) {
      h.fill(0.5, O, O + n * M * N);
      h.fill(0.5, P, P + n * M * N);
      k.gemm(A * 4, B * 4, O * 4, n, M, K, 4 * N, 4 * K, 4, 4 * M * K, 4 * K * N, accumulate, S * 4, 1);
      k.gemm(A * 4, Q * 4, P * 4, n, M, K, 4 * N, 4 * K, 4, 4 * M * K, packed, accumulate, S * 4, 2);
      expect(Array.from(h.subarray(P, P + n * M * N))).toEqual(Array.from(h.subarray(O, O + n * M * N)));
    }
  });

  it('gives the same bits with tiles of four rows as one row at a time', () => {
    const h = heap();
    const [M, K, N] = [11, 13, 44]; // two groups of four rows and three single rows; 8- and 4-column panels
    const [A, B, O, P] = [0, 4096, 8192, 12288];
    for (let i = 0; i < M * K; i++) h[A + i] = Math.sin(i * 0.7);
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.3);
    product(k, A, B, O, M, K, N);
    for (let m = 0; m < M; m++) product(k, A + m * K, B, P + m * N, 1, K, N);
    expect(Array.from(h.subarray(O, O + M * N))).toEqual(Array.from(h.subarray(P, P + M * N)));
  });

  it('accumulates into the output in blocks of k (-1) with the bits of one pass, or overwrites it (0)', () => {
    const h = heap();
    const [M, K, N] = [6, 10, 36];
    const [A, B, O, P] = [0, 4096, 8192, 12288];
    for (let i = 0; i < K * M; i++) h[A + i] = Math.sin(i * 0.9); // stored [K, M], read transposed
    for (let i = 0; i < K * N; i++) h[B + i] = Math.cos(i * 0.4);
    h.fill(1e30, O, O + M * N);
    for (const [k0, kb] of [
      [0, 4],
      [4, 4],
      [8, 2],
    ])
      k.gemm((A + k0 * M) * 4, (B + k0 * N) * 4, O * 4, 1, M, kb, 4 * N, 4, 4 * M, 0, 0, k0 === 0 ? 0 : -1, S * 4, 1);
    k.gemm(A * 4, B * 4, P * 4, 1, M, K, 4 * N, 4, 4 * M, 0, 0, 0, S * 4, 0);
    expect(Array.from(h.subarray(O, O + M * N))).toEqual(Array.from(h.subarray(P, P + M * N)));
    const want = expected(h, 1, M, K, N, (_e, m, kk) => A + kk * M + m, B);
    for (let i = 0; i < want.length; i++) expect(h[O + i]).toBeCloseTo(want[i], 5);
  });
});
