/**
 * A batched matrix product in WebAssembly SIMD (f32x4), for the small products of attention (one per batch entry
 * and head, e.g. [64, 64] x [64, 32]), which XNNPACK runs at a fraction of its speed (every entry sets up an
 * operator and packs its right operand anew), and for the backward's 2-D products (SrlProduct2D).
 * Output rows run four at a time in tiles of 4 rows x 8 columns (then 4 x 4): per k, the tile's two vectors of b
 * are loaded once and used by all four rows, so b is read once per four rows (one row at a time streamed all of
 * b, e.g. 256 KB of a transposed weight, from L2 for every output row: [1024, 512] x [512, 128] at 11-14
 * GFLOP/s, now 24-28). The rows left over run one at a time, 32 columns in eight accumulators (then 16, 8, 4).
 * Every tile sums over k in order, out[m, j] = sum_k a[m, k] * b[k, j] in float32: the same operations for every
 * element whatever its tile.
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
const L = {
  e: 13,
  m: 14,
  j: 15,
  k: 16,
  ap: 17,
  bp: 18,
  outRow: 19,
  aRowPtr: 20,
  bBase: 21,
  aBase: 22,
  aRow2: 23,
  aRow3: 24,
  out2: 25,
  out3: 26,
  acc: 27, // 8 vectors
  s: 35,
  b: 36, // 4 vectors
  keep: 40,
};
const I32_LOCALS = 14;
const V128_LOCALS = 14;

/** Byte offset of row r (0..3) of a tile from its first row: in a (stride aRow) or in out and b (stride nBytes). */
const aRowOffset = (r: number): number[] => (r === 0 ? [] : [...op.get([7, L.aRow2, L.aRow3][r - 1]), ...op.i32Add]);
const outRowOffset = (r: number): number[] => (r === 0 ? [] : [...op.get([6, L.out2, L.out3][r - 1]), ...op.i32Add]);

/**
 * Columns j.. of `rows` output rows from outRow, `vectors` vectors wide, while j + 16*vectors <= colBytes: per k,
 * the tile's b vectors are loaded once and used by every row (rows*vectors accumulators, at most 8).
 */
const columnTiles = (rows: number, vectors: number): number[][] => {
  const tile = Array.from({ length: rows }, (_, r) => Array.from({ length: vectors }, (_, v) => [r, v] as const)).flat();
  const acc = (r: number, v: number): number => L.acc + r * vectors + v;
  return [
    op.block(),
    op.loop(),
    [...op.get(12), ...op.get(L.j), ...op.i32(16 * vectors), ...op.i32Add, ...op.i32LtS, ...op.brIf(1)],
    // acc = out & keep: the output so far when accumulating (keep all ones), else 0
    tile.flatMap(([r, v]) => [
      ...op.get(L.outRow),
      ...outRowOffset(r),
      ...op.get(L.j),
      ...op.i32Add,
      ...op.v128Load(16 * v),
      ...op.get(L.keep),
      ...op.v128And,
      ...op.set(acc(r, v)),
    ]),
    [...op.get(5), ...op.set(L.k), ...op.get(L.aRowPtr), ...op.set(L.ap), ...op.get(L.bBase), ...op.get(L.j), ...op.i32Add, ...op.set(L.bp)],
    op.loop(),
    // one row: each b vector is read where it is used (as many vectors as accumulators, no locals for b)
    rows === 1 ? [] : Array.from({ length: vectors }, (_, v) => [...op.get(L.bp), ...op.v128Load(16 * v), ...op.set(L.b + v)]).flat(),
    Array.from({ length: rows }, (_, r) => [
      ...[...op.get(L.ap), ...aRowOffset(r), ...op.v128Load32Splat(), ...op.set(L.s)],
      ...Array.from({ length: vectors }, (_, v) => [
        ...op.get(acc(r, v)),
        ...op.get(L.s),
        ...(rows === 1 ? [...op.get(L.bp), ...op.v128Load(16 * v)] : op.get(L.b + v)),
        ...op.f32x4Mul,
        ...op.f32x4Add,
        ...op.set(acc(r, v)),
      ]).flat(),
    ]).flat(),
    [...op.get(L.ap), ...op.get(8), ...op.i32Add, ...op.set(L.ap), ...op.get(L.bp), ...op.get(6), ...op.i32Add, ...op.set(L.bp)],
    [...op.get(L.k), ...op.i32(1), ...op.i32Sub, ...op.tee(L.k), ...op.brIf(0), ...op.end()],
    tile.flatMap(([r, v]) => [...op.get(L.outRow), ...outRowOffset(r), ...op.get(L.j), ...op.i32Add, ...op.get(acc(r, v)), ...op.v128Store(16 * v)]),
    [...op.get(L.j), ...op.i32(16 * vectors), ...op.i32Add, ...op.set(L.j), ...op.br(0), ...op.end(), ...op.end()],
  ];
};

/** While m + rows <= M: the rows' columns in tiles of each width in `widths` (vectors), then the next rows. */
const rowGroups = (rows: number, widths: number[]): number[][] => [
  op.block(),
  op.loop(),
  [...op.get(L.m), ...op.i32(rows), ...op.i32Add, ...op.get(4), ...op.i32GtS, ...op.brIf(1)],
  [...op.i32(0), ...op.set(L.j)],
  ...widths.flatMap((v) => columnTiles(rows, v)),
  [...op.get(L.outRow), ...op.get(6), ...op.i32(rows), ...op.i32Mul, ...op.i32Add, ...op.set(L.outRow)],
  [...op.get(L.aRowPtr), ...op.get(7), ...op.i32(rows), ...op.i32Mul, ...op.i32Add, ...op.set(L.aRowPtr)],
  [...op.get(L.m), ...op.i32(rows), ...op.i32Add, ...op.set(L.m), ...op.br(0), ...op.end(), ...op.end()],
];

const gemm: FunctionDef = {
  name: 'gemm',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [...Array<number>(I32_LOCALS).fill(I32), ...Array<number>(V128_LOCALS).fill(V128)],
  body: [
    [...op.get(11), ...op.i32x4Splat, ...op.set(L.keep)],
    [...op.get(7), ...op.i32(2), ...op.i32Mul, ...op.set(L.aRow2), ...op.get(7), ...op.i32(3), ...op.i32Mul, ...op.set(L.aRow3)],
    [...op.get(6), ...op.i32(2), ...op.i32Mul, ...op.set(L.out2), ...op.get(6), ...op.i32(3), ...op.i32Mul, ...op.set(L.out3)],
    [...op.get(2), ...op.set(L.outRow), ...op.get(0), ...op.set(L.aBase), ...op.get(1), ...op.set(L.bBase)],
    op.loop(), // entries
    [...op.i32(0), ...op.set(L.m), ...op.get(L.aBase), ...op.set(L.aRowPtr)],
    ...rowGroups(4, [2, 1]),
    ...rowGroups(1, [8, 4, 2, 1]),
    [...op.get(L.aBase), ...op.get(9), ...op.i32Add, ...op.set(L.aBase), ...op.get(L.bBase), ...op.get(10), ...op.i32Add, ...op.set(L.bBase)],
    [...op.get(L.e), ...op.i32(1), ...op.i32Add, ...op.tee(L.e), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

/** The product bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdGemm = simdModule<SimdGemm>(() => [gemm]);
