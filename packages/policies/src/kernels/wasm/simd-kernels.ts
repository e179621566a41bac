/**
 * Small WebAssembly SIMD (f32x4) routines that run directly on the tfjs wasm backend's heap (they import its
 * memory), for loops JavaScript runs ~5x slower: the dot products and weighted sums of single-query attention,
 * transposes (4x4 blocks through shuffles), column sums and the AdamW update.
 * Built once per backend instance with wasm-assembler.ts; `simdKernels` returns null where WebAssembly SIMD or the
 * backend's memory is unavailable, and callers keep their JavaScript loops.
 */
import { transpose4x4 } from './simd-copy';
import { simdModule } from './simd-module';
import { F32, I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdKernels {
  /** out[t] = dot(q[0..D), k[t*D .. t*D+D)) for t < len. Byte addresses; dBytes = 4*D, a multiple of 16. */
  dots(q: number, k: number, len: number, dBytes: number, out: number): void;
  /** out[0..D) = sum over t < len of p[t] * v[t*D .. t*D+D). Byte addresses; dBytes = 4*D, a multiple of 16. */
  weightedSum(p: number, v: number, len: number, dBytes: number, out: number): void;
  /** out[0..C) = column sums of x [N, C] (byte addresses; C a multiple of 4), float32 accumulation. */
  columnSum(x: number, N: number, cBytes: number, out: number): void;
  /**
   * AdamW in place on `count` floats (a multiple of 4) of parameters p, gradients g and moments m, v (byte
   * addresses), PyTorch's order: p *= decay; m = b1 m + c1 g; v = b2 v + c2 g^2; p -= stepSize m / (sqrt(v) invSqrtBc2 + eps).
   */
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    count: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    invSqrtBc2: number,
    eps: number,
    stepSize: number,
    decay: number,
  ): void;
  /** n matrices [R, C] at src -> [C, R] at dst (byte addresses); R and C multiples of 4. */
  transpose(src: number, dst: number, n: number, R: number, C: number): void;
}

// Locals: params q/p = 0, k/v = 1, len = 2, dBytes = 3, out = 4; then t = 5, i = 6, vector = 7.
const rowLoopEnd = [...op.get(5), ...op.i32(1), ...op.i32Add, ...op.tee(5), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()];
const colLoopEnd = [...op.get(6), ...op.i32(16), ...op.i32Add, ...op.tee(6), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()];

export const dots: FunctionDef = {
  name: 'dots',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, V128],
  body: [
    op.loop(),
    [...op.f32x4Const(0), ...op.set(7), ...op.i32(0), ...op.set(6)],
    op.loop(),
    [...op.get(7), ...op.get(0), ...op.get(6), ...op.i32Add, ...op.v128Load(), ...op.get(1), ...op.get(6), ...op.i32Add, ...op.v128Load()],
    [...op.f32x4Mul, ...op.f32x4Add, ...op.set(7)],
    colLoopEnd,
    [...op.get(4), ...op.get(7), ...op.f32x4ExtractLane(0), ...op.get(7), ...op.f32x4ExtractLane(1), ...op.f32Add],
    [...op.get(7), ...op.f32x4ExtractLane(2), ...op.f32Add, ...op.get(7), ...op.f32x4ExtractLane(3), ...op.f32Add, ...op.f32Store()],
    [...op.get(4), ...op.i32(4), ...op.i32Add, ...op.set(4), ...op.get(1), ...op.get(3), ...op.i32Add, ...op.set(1)],
    rowLoopEnd,
  ],
};

export const weightedSum: FunctionDef = {
  name: 'weightedSum',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, V128],
  body: [
    // out = 0
    [...op.i32(0), ...op.set(6), ...op.loop()],
    [...op.get(4), ...op.get(6), ...op.i32Add, ...op.f32x4Const(0), ...op.v128Store()],
    colLoopEnd,
    op.loop(),
    [...op.get(0), ...op.f32Load(), ...op.f32x4Splat, ...op.set(7), ...op.i32(0), ...op.set(6)],
    op.loop(),
    [...op.get(4), ...op.get(6), ...op.i32Add, ...op.get(4), ...op.get(6), ...op.i32Add, ...op.v128Load()],
    [...op.get(7), ...op.get(1), ...op.get(6), ...op.i32Add, ...op.v128Load(), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store()],
    colLoopEnd,
    [...op.get(0), ...op.i32(4), ...op.i32Add, ...op.set(0), ...op.get(1), ...op.get(3), ...op.i32Add, ...op.set(1)],
    rowLoopEnd,
  ],
};

// columnSum locals: x 0, N 1, cBytes 2, out 3; r 4, i 5.
const columnSum = {
  name: 'columnSum',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32, I32],
  body: [
    [...op.i32(0), ...op.set(5), ...op.loop()],
    [...op.get(3), ...op.get(5), ...op.i32Add, ...op.f32x4Const(0), ...op.v128Store()],
    [...op.get(5), ...op.i32(16), ...op.i32Add, ...op.tee(5), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    op.loop(), // rows
    [...op.i32(0), ...op.set(5), ...op.loop()],
    [
      ...op.get(3),
      ...op.get(5),
      ...op.i32Add,
      ...op.get(3),
      ...op.get(5),
      ...op.i32Add,
      ...op.v128Load(),
      ...op.get(0),
      ...op.get(5),
      ...op.i32Add,
      ...op.v128Load(),
      ...op.f32x4Add,
      ...op.v128Store(),
    ],
    [...op.get(5), ...op.i32(16), ...op.i32Add, ...op.tee(5), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(0), ...op.get(2), ...op.i32Add, ...op.set(0)],
    [...op.get(4), ...op.i32(1), ...op.i32Add, ...op.tee(4), ...op.get(1), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

// adamw: params p 0, g 1, m 2, v 3, count 4, then f32 b1 5, c1 6, b2 7, c2 8, invSqrtBc2 9, eps 10, stepSize 11,
// decay 12; locals: byte offset 13, end 14, splats 15..22 (same order as the f32 params), gv 23, mv 24, vv 25.
const adamw = {
  name: 'adamw',
  params: [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32],
  results: [],
  locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128],
  body: [
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((k) => [...op.get(5 + k), ...op.f32x4Splat, ...op.set(15 + k)]),
    [...op.get(4), ...op.i32(2), ...op.i32Shl, ...op.set(14), ...op.i32(0), ...op.set(13)],
    op.loop(),
    [...op.get(1), ...op.get(13), ...op.i32Add, ...op.v128Load(), ...op.set(23)],
    // m = b1 m + c1 g
    [...op.get(2), ...op.get(13), ...op.i32Add, ...op.get(15), ...op.get(2), ...op.get(13), ...op.i32Add, ...op.v128Load(), ...op.f32x4Mul],
    [...op.get(16), ...op.get(23), ...op.f32x4Mul, ...op.f32x4Add, ...op.tee(24), ...op.v128Store()],
    // v = b2 v + c2 g g
    [...op.get(3), ...op.get(13), ...op.i32Add, ...op.get(17), ...op.get(3), ...op.get(13), ...op.i32Add, ...op.v128Load(), ...op.f32x4Mul],
    [...op.get(18), ...op.get(23), ...op.f32x4Mul, ...op.get(23), ...op.f32x4Mul, ...op.f32x4Add, ...op.tee(25), ...op.v128Store()],
    // p = p decay - stepSize m / (sqrt(v) invSqrtBc2 + eps)
    [...op.get(0), ...op.get(13), ...op.i32Add, ...op.get(0), ...op.get(13), ...op.i32Add, ...op.v128Load(), ...op.get(22), ...op.f32x4Mul],
    [
      ...op.get(21),
      ...op.get(24),
      ...op.f32x4Mul,
      ...op.get(25),
      ...op.f32x4Sqrt,
      ...op.get(19),
      ...op.f32x4Mul,
      ...op.get(20),
      ...op.f32x4Add,
      ...op.f32x4Div,
    ],
    [...op.f32x4Sub, ...op.v128Store()],
    [...op.get(13), ...op.i32(16), ...op.i32Add, ...op.tee(13), ...op.get(14), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

// transpose locals: src 0, dst 1, n 2, R 3, C 4; m 5, i 6, j 7, rowBytes 8, outRowBytes 9, p 10, q 11,
// rows r0..r3 = 12..15, pairs t0..t3 = 16..19, tile bounds ib 20, iEnd 21, jb 22, jEnd 23.
const t = { m: 5, i: 6, j: 7, row: 8, outRow: 9, p: 10, q: 11, r: 12, t: 16, ib: 20, iEnd: 21, jb: 22, jEnd: 23 };
/**
 * Tiles of TILE x TILE floats: a tile's 16 output rows are each one 64-byte line written whole before the next
 * tile (rows 4 KB apart alias in L1, so streaming whole rows would thrash it).
 */
const TILE = 16;
/** end = min(start + TILE, limit) */
const tileEnd = (start: number, limit: number, end: number): number[] => [
  ...op.get(start),
  ...op.i32(TILE),
  ...op.i32Add,
  ...op.get(limit),
  ...op.get(start),
  ...op.i32(TILE),
  ...op.i32Add,
  ...op.get(limit),
  ...op.i32LeS,
  ...op.select,
  ...op.set(end),
];
const transpose = {
  name: 'transpose',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, I32, I32, I32, I32],
  body: [
    [...op.get(4), ...op.i32(2), ...op.i32Shl, ...op.set(t.row), ...op.get(3), ...op.i32(2), ...op.i32Shl, ...op.set(t.outRow)],
    op.loop(), // matrices
    [...op.i32(0), ...op.set(t.ib)],
    op.loop(), // row tiles
    tileEnd(t.ib, 3, t.iEnd),
    [...op.i32(0), ...op.set(t.jb)],
    op.loop(), // column tiles
    tileEnd(t.jb, 4, t.jEnd),
    [...op.get(t.ib), ...op.set(t.i)],
    op.loop(), // rows of the tile, 4 at a time
    [...op.get(t.jb), ...op.set(t.j)],
    op.loop(), // columns of the tile, 4 at a time
    // p = src + i * rowBytes + 4j; q = dst + j * outRowBytes + 4i
    [...op.get(0), ...op.get(t.i), ...op.get(t.row), ...op.i32Mul, ...op.i32Add, ...op.get(t.j), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(t.p)],
    [...op.get(1), ...op.get(t.j), ...op.get(t.outRow), ...op.i32Mul, ...op.i32Add, ...op.get(t.i), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(t.q)],
    ...transpose4x4({ p: t.p, q: t.q, rows: t.r, pairs: t.t, inStride: op.get(t.row), outStride: op.get(t.outRow) }),
    [...op.get(t.j), ...op.i32(4), ...op.i32Add, ...op.tee(t.j), ...op.get(t.jEnd), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(t.i), ...op.i32(4), ...op.i32Add, ...op.tee(t.i), ...op.get(t.iEnd), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(t.jEnd), ...op.tee(t.jb), ...op.get(4), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(t.iEnd), ...op.tee(t.ib), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    // next matrix
    [...op.get(0), ...op.get(t.row), ...op.get(3), ...op.i32Mul, ...op.i32Add, ...op.set(0)],
    [...op.get(1), ...op.get(t.row), ...op.get(3), ...op.i32Mul, ...op.i32Add, ...op.set(1)],
    [...op.get(t.m), ...op.i32(1), ...op.i32Add, ...op.tee(t.m), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

/**
 * The kernels bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. Every loop runs at
 * least once: callers pass non-zero counts (len, N, count, R, C, n >= 1; D, C multiples of 4).
 */
export const simdKernels = simdModule<SimdKernels>(() => [dots, weightedSum, transpose, columnSum, adamw]);
