/**
 * A batched matrix product in WebAssembly SIMD (f32x4) for the small products of attention (one per batch entry
 * and head, e.g. [64, 64] x [64, 32]), which XNNPACK runs at a fraction of its speed: every entry sets up an
 * operator and packs its right operand anew. Here each output row is computed 32 columns at a time in eight
 * vector accumulators (then 16, 8 and 4 at a time: a head's 16 columns run as four independent sums, where one
 * vector at a time waited on each add), over k in order: out[m, j] = sum_k a[m, k] * b[k, j] in float32, the
 * same operations for every column whatever the tile.
 * The left operand is read through strides, so a transposed left operand costs nothing (aT @ b in the
 * backward). Built once per memory with wasm-assembler.ts; `simdGemm` returns null where WebAssembly SIMD is
 * unavailable.
 */
import { simdModule } from './simd-module';
import { I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdGemm {
  /**
   * For e < n: out_e [M, N] = a_e [M, K] @ b_e [K, N]. Byte addresses and byte strides: a_e[m, k] at
   * a + e*aEntry + m*aRow + k*aCol; b_e rows contiguous (nBytes = 4N, a positive multiple of 16) at b + e*bEntry;
   * out entries contiguous [n, M, N]. n, M, K >= 1. `accumulate` -1: out += the product; 0: out = the product.
   * Only the first `colBytes` bytes of each row of b and out take part (a column panel; colBytes <= nBytes, a
   * positive multiple of 16).
   */
  gemm(
    a: number,
    b: number,
    out: number,
    n: number,
    M: number,
    K: number,
    nBytes: number,
    aRow: number,
    aCol: number,
    aEntry: number,
    bEntry: number,
    accumulate: number,
    colBytes: number,
  ): void;
}

// Params: a 0, b 1, out 2, n 3, M 4, K 5, nBytes 6, aRow 7, aCol 8, aEntry 9, bEntry 10, accumulate 11, colBytes 12.
// Locals: e 13, m 14, j 15, k 16, ap 17, bp 18, outRow 19, aRowPtr 20, bBase 21, aBase 22, acc 23..30, s 31, keep 32.
const L = { e: 13, m: 14, j: 15, k: 16, ap: 17, bp: 18, outRow: 19, aRowPtr: 20, bBase: 21, aBase: 22, acc: 23, s: 31, keep: 32 };
const WIDE = 8; // vectors per row tile: 32 columns

/** k = K, ap = aRowPtr, bp = bBase + j; then `inner` once per k (ap += aCol, bp += nBytes). */
const kLoop = (inner: number[][]): number[][] => [
  [...op.get(5), ...op.set(L.k), ...op.get(L.aRowPtr), ...op.set(L.ap), ...op.get(L.bBase), ...op.get(L.j), ...op.i32Add, ...op.set(L.bp)],
  op.loop(),
  [...op.get(L.ap), ...op.v128Load32Splat(), ...op.set(L.s)],
  ...inner,
  [...op.get(L.ap), ...op.get(8), ...op.i32Add, ...op.set(L.ap), ...op.get(L.bp), ...op.get(6), ...op.i32Add, ...op.set(L.bp)],
  [...op.get(L.k), ...op.i32(1), ...op.i32Sub, ...op.tee(L.k), ...op.brIf(0), ...op.end()],
];
/** acc_v += s * b[bp + 16v] */
const madd = (v: number): number[] => [
  ...op.get(L.acc + v),
  ...op.get(L.s),
  ...op.get(L.bp),
  ...op.v128Load(16 * v),
  ...op.f32x4Mul,
  ...op.f32x4Add,
  ...op.set(L.acc + v),
];
/** Columns j.. of the output row, `vectors` vectors wide, while j + 16*vectors <= colBytes. */
const columnTiles = (vectors: number): number[][] => [
  op.block(),
  op.loop(),
  [...op.get(12), ...op.get(L.j), ...op.i32(16 * vectors), ...op.i32Add, ...op.i32LtS, ...op.brIf(1)],
  // acc = out & keep: the output so far when accumulating (keep all ones), else 0
  Array.from({ length: vectors }, (_, v) => [
    ...op.get(L.outRow),
    ...op.get(L.j),
    ...op.i32Add,
    ...op.v128Load(16 * v),
    ...op.get(L.keep),
    ...op.v128And,
    ...op.set(L.acc + v),
  ]).flat(),
  ...kLoop(Array.from({ length: vectors }, (_, v) => madd(v))),
  Array.from({ length: vectors }, (_, v) => [...op.get(L.outRow), ...op.get(L.j), ...op.i32Add, ...op.get(L.acc + v), ...op.v128Store(16 * v)]).flat(),
  [...op.get(L.j), ...op.i32(16 * vectors), ...op.i32Add, ...op.set(L.j), ...op.br(0), ...op.end(), ...op.end()],
];

const gemm: FunctionDef = {
  name: 'gemm',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, ...Array<number>(WIDE + 2).fill(V128)],
  body: [
    [...op.get(11), ...op.i32x4Splat, ...op.set(L.keep)],
    [...op.get(2), ...op.set(L.outRow), ...op.get(0), ...op.set(L.aBase), ...op.get(1), ...op.set(L.bBase)],
    op.loop(), // entries
    [...op.i32(0), ...op.set(L.m), ...op.get(L.aBase), ...op.set(L.aRowPtr)],
    op.loop(), // rows
    [...op.i32(0), ...op.set(L.j)],
    ...columnTiles(WIDE),
    ...columnTiles(4),
    ...columnTiles(2),
    ...columnTiles(1),
    [...op.get(L.outRow), ...op.get(6), ...op.i32Add, ...op.set(L.outRow), ...op.get(L.aRowPtr), ...op.get(7), ...op.i32Add, ...op.set(L.aRowPtr)],
    [...op.get(L.m), ...op.i32(1), ...op.i32Add, ...op.tee(L.m), ...op.get(4), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(L.aBase), ...op.get(9), ...op.i32Add, ...op.set(L.aBase), ...op.get(L.bBase), ...op.get(10), ...op.i32Add, ...op.set(L.bBase)],
    [...op.get(L.e), ...op.i32(1), ...op.i32Add, ...op.tee(L.e), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

/** The product bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdGemm = simdModule<SimdGemm>(() => [gemm]);
