/**
 * Strided block copies in WebAssembly SIMD for the attention layout kernels (wasm-head-kernels.ts): rows of a
 * matrix copied between two row strides, and a matrix transposed between two row strides in 4 x 4 blocks of
 * shuffles. Pure moves: the same floats, bit for bit, as the JavaScript loops they replace (those ran ~2 ns per
 * float, ~5% of a gpt2-bench train step). Built once per memory; `simdCopy` returns null without SIMD.
 */
import { simdModule, type WasmMemory } from './simd-module';
import { I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdCopy {
  /**
   * rows x `bytes` (a positive multiple of 16): row r from src + r*srcStride to dst + r*dstStride (byte addresses
   * and strides). rows >= 1.
   */
  copyRows(src: number, dst: number, rows: number, bytes: number, srcStride: number, dstStride: number): void;
  /**
   * a [R, C] at src (row stride srcStride bytes) -> its transpose [C, R] at dst (row stride dstStride bytes); R and
   * C positive multiples of 4.
   */
  transposeRows(src: number, dst: number, R: number, C: number, srcStride: number, dstStride: number): void;
}

// copyRows: src 0, dst 1, rows 2, bytes 3, srcStride 4, dstStride 5; r 6, i 7.
const copyRows: FunctionDef = {
  name: 'copyRows',
  params: [I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32],
  body: [
    [...op.i32(0), ...op.set(6), ...op.loop()],
    [...op.i32(0), ...op.set(7), ...op.loop()],
    [...op.get(1), ...op.get(7), ...op.i32Add, ...op.get(0), ...op.get(7), ...op.i32Add, ...op.v128Load(), ...op.v128Store()],
    [...op.get(7), ...op.i32(16), ...op.i32Add, ...op.tee(7), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(0), ...op.get(4), ...op.i32Add, ...op.set(0), ...op.get(1), ...op.get(5), ...op.i32Add, ...op.set(1)],
    [...op.get(6), ...op.i32(1), ...op.i32Add, ...op.tee(6), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

/**
 * One 4 x 4 block transposed: four rows loaded from local p on (p advancing by inStride), shuffled in pairs (locals
 * rows..rows+3 and pairs..pairs+3, v128), and stored as four rows from local q on (q advancing by outStride).
 */
export const transpose4x4 = (o: { p: number; q: number; rows: number; pairs: number; inStride: number[]; outStride: number[] }): number[][] => [
  ...[0, 1, 2, 3].map((k) => [...op.get(o.p), ...op.v128Load(), ...op.set(o.rows + k), ...op.get(o.p), ...o.inStride, ...op.i32Add, ...op.set(o.p)]),
  // t0 = (r0_0 r1_0 r0_1 r1_1), t1 = (r0_2 r1_2 r0_3 r1_3), t2/t3 the same for r2, r3
  [...op.get(o.rows), ...op.get(o.rows + 1), ...op.f32x4Shuffle([0, 4, 1, 5]), ...op.set(o.pairs)],
  [...op.get(o.rows), ...op.get(o.rows + 1), ...op.f32x4Shuffle([2, 6, 3, 7]), ...op.set(o.pairs + 1)],
  [...op.get(o.rows + 2), ...op.get(o.rows + 3), ...op.f32x4Shuffle([0, 4, 1, 5]), ...op.set(o.pairs + 2)],
  [...op.get(o.rows + 2), ...op.get(o.rows + 3), ...op.f32x4Shuffle([2, 6, 3, 7]), ...op.set(o.pairs + 3)],
  ...(
    [
      [0, 2, [0, 1, 4, 5]],
      [0, 2, [2, 3, 6, 7]],
      [1, 3, [0, 1, 4, 5]],
      [1, 3, [2, 3, 6, 7]],
    ] as [number, number, [number, number, number, number]][]
  ).map(([a, b, lanes]) => [
    ...op.get(o.q),
    ...op.get(o.pairs + a),
    ...op.get(o.pairs + b),
    ...op.f32x4Shuffle(lanes),
    ...op.v128Store(),
    ...op.get(o.q),
    ...o.outStride,
    ...op.i32Add,
    ...op.set(o.q),
  ]),
];

// transposeRows: src 0, dst 1, R 2, C 3, srcStride 4, dstStride 5; i 6, j 7, p 8, q 9, rows r0..r3 10..13, pairs
// t0..t3 14..17.
const x = { i: 6, j: 7, p: 8, q: 9, r: 10, t: 14 };
const transposeRows: FunctionDef = {
  name: 'transposeRows',
  params: [I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128],
  body: [
    [...op.i32(0), ...op.set(x.i), ...op.loop()], // rows of a, 4 at a time
    [...op.i32(0), ...op.set(x.j), ...op.loop()], // columns of a, 4 at a time
    // p = src + i * srcStride + 4j; q = dst + j * dstStride + 4i
    [...op.get(0), ...op.get(x.i), ...op.get(4), ...op.i32Mul, ...op.i32Add, ...op.get(x.j), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(x.p)],
    [...op.get(1), ...op.get(x.j), ...op.get(5), ...op.i32Mul, ...op.i32Add, ...op.get(x.i), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(x.q)],
    ...transpose4x4({ p: x.p, q: x.q, rows: x.r, pairs: x.t, inStride: op.get(4), outStride: op.get(5) }),
    [...op.get(x.j), ...op.i32(4), ...op.i32Add, ...op.tee(x.j), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(x.i), ...op.i32(4), ...op.i32Add, ...op.tee(x.i), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

const build = simdModule<SimdCopy>(() => [copyRows, transposeRows]);

/** The routines bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdCopy = (memory: WasmMemory | undefined): SimdCopy | null => build(memory);
