/**
 * A batched matrix product in WebAssembly SIMD (f32x4): the backward's 2-D products (SrlProduct2D), the small
 * products of attention (one per batch entry and head, e.g. [64, 64] x [64, 32]), which XNNPACK runs at a
 * fraction of its speed (every entry sets up an operator and packs its right operand anew), and, where relaxed
 * SIMD compiles, the forward's dense layers (SrlDense).
 *
 * The operands are packed first, in a scratch area on the heap: the right operand into panels of 8 columns
 * ([K][8] floats each, then one of 4 where N is not a multiple of 8) and each group of four rows of the left
 * operand into [K][4]. The inner loop then reads both with constant offsets from two pointers that advance by
 * 16 and 32 bytes per k: no address arithmetic per row and no strided reads of b, whose row stride (often a
 * multiple of 4 KB) maps the rows of a column panel onto a few L1 sets. On this project's AMD EPYC (Zen 3, 2
 * cores) the 4 x 8 tile of packed operands runs at 41-48 GFLOP/s with fused multiply-adds and ~23 without,
 * against 24-27 for the same tile reading the operands in place (bench/_diag measurements, see the README).
 * Output rows run four at a time in tiles of 4 rows x 8 columns (then 4 x 4), rows left over one at a time
 * (1 x 8, 1 x 4). Products of fewer than GEMM_PACK_B_MIN_ROWS rows (decoding) read b in place instead, where
 * packing it would cost more than it saves, single rows in tiles of 32 columns (eight independent sums). Every tile sums over k in order, acc = a[m, k] * b[k, j] + acc, starting from 0 or from the
 * output (accumulate), so blocks of k summed into the output give the same bits as one pass, and every element
 * gets the same operations whatever its tile. With relaxed SIMD (`relaxedSimd()`) each step is one
 * f32x4.relaxed_madd (a fused multiply-add on CPUs with FMA: one rounding instead of two), else a product and a
 * sum.
 *
 * The left operand is read through strides while it is packed, so a transposed left operand costs nothing
 * (aT @ b in the backward). Built once per memory with wasm-assembler.ts; `simdGemm` returns null where
 * WebAssembly SIMD is unavailable.
 */
import { relaxedSimd, simdModule, type WasmMemory } from './simd-module';
import { I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdGemm {
  /**
   * For e < n: out_e [M, N] = a_e [M, K] @ b_e [K, N]. Byte addresses and byte strides: a_e[m, k] at
   * a + e*aEntry + m*aRow + k*aCol; b_e rows contiguous (nBytes = 4N, a positive multiple of 16) at b + e*bEntry;
   * out entries contiguous [n, M, N]. n, M, K >= 1. `accumulate` -1: out += the product (summed from the output
   * on); 0: out = the product. `scratch`: a 16-byte aligned byte address of `gemmScratchBytes(K, N)` free bytes.
   * `packB` 1: b is packed into panels first (it pays from a few rows on: `GEMM_PACK_B_MIN_ROWS`); 0: the tiles read
   * b in place; 2: b is already packed (`packPanels`; bEntry then steps between packed entries). The same bits
   * every way.
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
    scratch: number,
    packB: number,
  ): void;
  /**
   * Packs b [K, N] (rows contiguous, nBytes = 4N a positive multiple of 16) into `packedPanelsBytes(K, N)` bytes at
   * dst (16-byte aligned): the panels `gemm` packs b into, to be passed to it with packB 2.
   */
  packPanels(b: number, dst: number, K: number, nBytes: number): void;
}

/** Bytes of b [K, N] packed into panels (`packPanels`). */
export const packedPanelsBytes = (K: number, N: number): number => 4 * K * (Math.ceil(N / 8) * 8);

/** Bytes of scratch a product with inner size K and N output columns needs: a packed row group and packed b. */
export const gemmScratchBytes = (K: number, N: number): number => 16 * K + packedPanelsBytes(K, N);

/**
 * From this many rows of a per entry, packing b (K x N floats moved once) costs less than the strided reads of b
 * it saves (measured: bench/_diag in the README's figures).
 */
export const GEMM_PACK_B_MIN_ROWS = 16;

/** Whether the products use fused multiply-adds (relaxed SIMD), decided once per process. */
export const gemmFused = (): boolean => relaxedSimd();

// Params: a 0, b 1, out 2, n 3, M 4, K 5, nBytes 6, aRow 7, aCol 8, aEntry 9, bEntry 10, accumulate 11, scratch 12,
// packB 13.
const L = {
  e: 14,
  m: 15,
  p: 16, // byte offset of the current column panel within a row of b and out
  k: 17,
  ap: 18,
  bp: 19,
  src: 20,
  dst: 21,
  outRow: 22,
  aRowPtr: 23,
  aBase: 24,
  bBase: 25,
  packB: 26,
  panel: 27,
  aRow2: 28,
  aRow3: 29,
  out2: 30,
  out3: 31,
  acc: 32, // 8 vectors
  s: 40,
  b: 41, // 2 vectors
  keep: 43,
};
const I32_LOCALS = 18;
const V128_LOCALS = 12;

const aRowOffset = (r: number): number[] => (r === 0 ? [] : [...op.get([7, L.aRow2, L.aRow3][r - 1]), ...op.i32Add]);
const outRowOffset = (r: number): number[] => (r === 0 ? [] : [...op.get([6, L.out2, L.out3][r - 1]), ...op.i32Add]);

/** k = K; loop { body; k -= 1 } while k > 0. */
const overK = (body: number[][]): number[][] => [
  [...op.get(5), ...op.set(L.k)],
  op.loop(),
  ...body,
  [...op.get(L.k), ...op.i32(1), ...op.i32Sub, ...op.tee(L.k), ...op.brIf(0), ...op.end()],
];

/** Packs b_e (at bBase) into panels at packB: [K][8] floats per 8 columns, then [K][4] for 4 left over. */
const packB = (): number[][] => [
  [...op.i32(0), ...op.set(L.p), ...op.get(L.packB), ...op.set(L.dst)],
  op.block(),
  op.loop(),
  [...op.get(L.p), ...op.i32(32), ...op.i32Add, ...op.get(6), ...op.i32GtS, ...op.brIf(1)],
  [...op.get(L.bBase), ...op.get(L.p), ...op.i32Add, ...op.set(L.src)],
  ...overK([
    [...op.get(L.dst), ...op.get(L.src), ...op.v128Load(0), ...op.v128Store(0)],
    [...op.get(L.dst), ...op.get(L.src), ...op.v128Load(16), ...op.v128Store(16)],
    [...op.get(L.src), ...op.get(6), ...op.i32Add, ...op.set(L.src), ...op.get(L.dst), ...op.i32(32), ...op.i32Add, ...op.set(L.dst)],
  ]),
  [...op.get(L.p), ...op.i32(32), ...op.i32Add, ...op.set(L.p), ...op.br(0), ...op.end(), ...op.end()],
  [...op.get(L.p), ...op.get(6), ...op.i32LtS, ...op.if()],
  [...op.get(L.bBase), ...op.get(L.p), ...op.i32Add, ...op.set(L.src)],
  ...overK([
    [...op.get(L.dst), ...op.get(L.src), ...op.v128Load(0), ...op.v128Store(0)],
    [...op.get(L.src), ...op.get(6), ...op.i32Add, ...op.set(L.src), ...op.get(L.dst), ...op.i32(16), ...op.i32Add, ...op.set(L.dst)],
  ]),
  op.end(),
];

/** Packs `rows` rows of a from aRowPtr into scratch (param 12) as [K][rows] floats. */
const packA = (rows: number): number[][] => [
  [...op.get(L.aRowPtr), ...op.set(L.src), ...op.get(12), ...op.set(L.dst)],
  ...overK([
    ...Array.from({ length: rows }, (_, r) => [...op.get(L.dst), ...op.get(L.src), ...aRowOffset(r), ...op.f32Load(0), ...op.f32Store(4 * r)]),
    [...op.get(L.src), ...op.get(8), ...op.i32Add, ...op.set(L.src), ...op.get(L.dst), ...op.i32(4 * rows), ...op.i32Add, ...op.set(L.dst)],
  ]),
];

/**
 * The tile of `rows` output rows (from outRow) x `vectors` vectors (at column byte p) from the packed row group
 * (scratch) and the packed panel at `panel`: per k, the panel's vectors are loaded once and used by every row.
 */
const tile = (rows: number, vectors: number, fused: boolean, packed: boolean): number[][] => {
  const cells = Array.from({ length: rows }, (_, r) => Array.from({ length: vectors }, (_, v) => [r, v] as const)).flat();
  const acc = (r: number, v: number): number => L.acc + r * vectors + v;
  const outAt = (r: number): number[] => [...op.get(L.outRow), ...outRowOffset(r), ...op.get(L.p), ...op.i32Add];
  return [
    // acc = out & keep: the output so far when accumulating (keep all ones), else 0
    ...cells.map(([r, v]) => [...outAt(r), ...op.v128Load(16 * v), ...op.get(L.keep), ...op.v128And, ...op.set(acc(r, v))]),
    [...op.get(12), ...op.set(L.ap), ...op.get(L.panel), ...op.set(L.bp)],
    ...overK([
      // b's vectors in locals, loaded once for every row (one row: each read where it is used, no locals)
      ...(rows === 1 ? [] : Array.from({ length: vectors }, (_, v) => [...op.get(L.bp), ...op.v128Load(16 * v), ...op.set(L.b + v)])),
      ...Array.from({ length: rows }, (_, r) => {
        const bv = (v: number): number[] => (rows === 1 ? [...op.get(L.bp), ...op.v128Load(16 * v)] : op.get(L.b + v));
        return [
          [...op.get(L.ap), ...op.v128Load32Splat(4 * r), ...op.set(L.s)],
          ...Array.from({ length: vectors }, (_, v) =>
            fused
              ? [...op.get(L.s), ...bv(v), ...op.get(acc(r, v)), ...op.f32x4RelaxedMadd, ...op.set(acc(r, v))]
              : [...op.get(acc(r, v)), ...op.get(L.s), ...bv(v), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(r, v))],
          ),
        ];
      }).flat(),
      [
        ...op.get(L.ap),
        ...op.i32(4 * rows),
        ...op.i32Add,
        ...op.set(L.ap),
        ...op.get(L.bp),
        ...(packed ? op.i32(16 * vectors) : op.get(6)),
        ...op.i32Add,
        ...op.set(L.bp),
      ],
    ]),
    ...cells.map(([r, v]) => [...outAt(r), ...op.get(acc(r, v)), ...op.v128Store(16 * v)]),
  ];
};

/**
 * While m + rows <= M: pack the rows, then run their columns in tiles of each width in `widths` (vectors), on b's
 * packed panels or on b in place, then the next rows.
 */
const rowGroups = (rows: number, fused: boolean, packed: boolean, widths: number[]): number[][] => [
  op.block(),
  op.loop(),
  [...op.get(L.m), ...op.i32(rows), ...op.i32Add, ...op.get(4), ...op.i32GtS, ...op.brIf(1)],
  ...packA(rows),
  [...op.i32(0), ...op.set(L.p), ...op.get(packed ? L.packB : L.bBase), ...op.set(L.panel)],
  ...widths.flatMap((v) => [
    op.block(),
    op.loop(),
    [...op.get(L.p), ...op.i32(16 * v), ...op.i32Add, ...op.get(6), ...op.i32GtS, ...op.brIf(1)],
    ...tile(rows, v, fused, packed),
    // the next panel: K rows of 16v bytes further when packed, else 16v bytes further along b's rows
    packed
      ? [...op.get(L.panel), ...op.get(5), ...op.i32(16 * v), ...op.i32Mul, ...op.i32Add, ...op.set(L.panel)]
      : [...op.get(L.panel), ...op.i32(16 * v), ...op.i32Add, ...op.set(L.panel)],
    [...op.get(L.p), ...op.i32(16 * v), ...op.i32Add, ...op.set(L.p), ...op.br(0), ...op.end(), ...op.end()],
  ]),
  [...op.get(L.outRow), ...op.get(6), ...op.i32(rows), ...op.i32Mul, ...op.i32Add, ...op.set(L.outRow)],
  [...op.get(L.aRowPtr), ...op.get(7), ...op.i32(rows), ...op.i32Mul, ...op.i32Add, ...op.set(L.aRowPtr)],
  [...op.get(L.m), ...op.i32(rows), ...op.i32Add, ...op.set(L.m), ...op.br(0), ...op.end(), ...op.end()],
];

const gemm = (fused: boolean): FunctionDef => ({
  name: 'gemm',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [...Array<number>(I32_LOCALS).fill(I32), ...Array<number>(V128_LOCALS).fill(V128)],
  body: [
    [...op.get(11), ...op.i32x4Splat, ...op.set(L.keep)],
    [...op.get(7), ...op.i32(2), ...op.i32Mul, ...op.set(L.aRow2), ...op.get(7), ...op.i32(3), ...op.i32Mul, ...op.set(L.aRow3)],
    [...op.get(6), ...op.i32(2), ...op.i32Mul, ...op.set(L.out2), ...op.get(6), ...op.i32(3), ...op.i32Mul, ...op.set(L.out3)],
    [...op.get(12), ...op.get(5), ...op.i32(16), ...op.i32Mul, ...op.i32Add, ...op.set(L.packB)],
    [...op.get(2), ...op.set(L.outRow), ...op.get(0), ...op.set(L.aBase), ...op.get(1), ...op.set(L.bBase)],
    op.loop(), // entries
    [...op.i32(0), ...op.set(L.m), ...op.get(L.aBase), ...op.set(L.aRowPtr)],
    [...op.get(13), ...op.if()],
    // packB 2: b is already packed (packPanels): the panels are read where b is
    [...op.get(13), ...op.i32(2), ...op.i32Eq, ...op.if(), ...op.get(L.bBase), ...op.set(L.packB), ...op.else()],
    ...packB(),
    op.end(),
    ...rowGroups(4, fused, true, [2, 1]),
    ...rowGroups(1, fused, true, [2, 1]),
    op.else(),
    // b in place: single rows (few-row products, decoding) in tiles of 32 columns, eight independent sums
    ...rowGroups(4, fused, false, [2, 1]),
    ...rowGroups(1, fused, false, [8, 2, 1]),
    op.end(),
    [...op.get(L.aBase), ...op.get(9), ...op.i32Add, ...op.set(L.aBase), ...op.get(L.bBase), ...op.get(10), ...op.i32Add, ...op.set(L.bBase)],
    [...op.get(L.e), ...op.i32(1), ...op.i32Add, ...op.tee(L.e), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
});

/**
 * b [K, N] into panels at dst, the layout gemm packs b into: gemm's parameters and locals (b 1, K 5, nBytes 6, dst
 * in scratch's place 12; the others unused), so packB() is the same code.
 */
const pack: FunctionDef = {
  name: 'pack',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [...Array<number>(I32_LOCALS).fill(I32), ...Array<number>(V128_LOCALS).fill(V128)],
  body: [[...op.get(12), ...op.set(L.packB), ...op.get(1), ...op.set(L.bBase)], ...packB()],
};

/** The module's exports: `gemm` and `pack` (gemm's parameter list; b 1, K 5, nBytes 6, dst 12 used). */
interface GemmExports {
  gemm: SimdGemm['gemm'];
  pack(a: 0, b: number, out: 0, n: 0, M: 0, K: number, nBytes: number, aRow: 0, aCol: 0, aEntry: 0, bEntry: 0, accumulate: 0, dst: number, packB: 0): void;
}

const fusedModule = simdModule<GemmExports>(() => [gemm(true), pack]);
const plainModule = simdModule<GemmExports>(() => [gemm(false), pack]);
/** One SimdGemm per module instance (products look it up on every call). */
const wrapped = new WeakMap<GemmExports, SimdGemm>();
const wrap = (k: GemmExports | null): SimdGemm | null => {
  if (k === null) return null;
  let w = wrapped.get(k);
  if (w === undefined) {
    w = { gemm: k.gemm, packPanels: (b, dst, K, nBytes) => k.pack(0, b, 0, 0, 0, K, nBytes, 0, 0, 0, 0, 0, dst, 0) };
    wrapped.set(k, w);
  }
  return w;
};
const fusedGemm = (memory: WasmMemory | undefined): SimdGemm | null => wrap(fusedModule(memory));
const plainGemm = (memory: WasmMemory | undefined): SimdGemm | null => wrap(plainModule(memory));

/** The product with fused multiply-adds or without (the fused one is null where relaxed SIMD does not compile). */
export const simdGemmWith = (fused: boolean, memory: WasmMemory | undefined): SimdGemm | null =>
  fused ? (relaxedSimd() ? fusedGemm(memory) : null) : plainGemm(memory);

/** The product bound to `memory` (fused where relaxed SIMD compiles), or null when WebAssembly SIMD is unavailable. */
export const simdGemm = (memory: WasmMemory | undefined): SimdGemm | null => simdGemmWith(gemmFused(), memory);
