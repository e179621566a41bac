/**
 * A decoding step's q/k/v placement for one layer in one WebAssembly call (decode-math.ts's placeQkv): q's heads
 * scaled (or RoPE'd, the scale in q's tables), each row's key and value written into the KV caches at its
 * position, in the JavaScript loop's arithmetic (the scale in float64 rounded to float32, RoPE's products and sum in
 * float32), without its ~130 calls of copyWithin per layer. Built once per memory; `simdPlaceQkv` returns null
 * without SIMD.
 */
import { simdModule } from './simd-module';
import { at, load, loop16 } from './simd-row-kernels';
import { F64, I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdPlaceQkv {
  /**
   * From qkv [R, (H + 2 Hkv) D] at `src`, q [R*Hkv, G, D] to `q` (RoPE with q's scale
   * folded into its tables, or times `scale` in float64 rounded to float32 when `tables` is 0), each row's key
   * (RoPE'd) and value into the caches `k`, `v` [R*Hkv, L, D] at positions[r]. `tables`: qCos, qSin, kCos, kSin
   * ([R, D] float32 each, one after the other). Byte addresses; dBytes = 4*D, a multiple of 32 with RoPE, of 16 without.
   */
  placeQkv(
    src: number,
    q: number,
    k: number,
    v: number,
    positions: number,
    tables: number,
    R: number,
    H: number,
    Hkv: number,
    dBytes: number,
    L: number,
    scale: number,
  ): void;
}

// The module's functions, by index.
const COPY = 0;
const SCALE_COPY = 1;
const ROTATE = 2;
const next = (i: number, limit: number): number[] => [
  ...op.get(i),
  ...op.i32(1),
  ...op.i32Add,
  ...op.tee(i),
  ...op.get(limit),
  ...op.i32LtS,
  ...op.brIf(0),
  ...op.end(),
];

// copy / scaleCopy: from 0, to 1, bytes 2, [scale 3 (f64)]; i, x, s2.
const copy: FunctionDef = {
  name: 'copy',
  params: [I32, I32, I32],
  results: [],
  locals: [I32],
  body: loop16(3, 2, [[...at(1, 3), ...load(0, 3), ...op.v128Store()]]),
};
const scaleCopy: FunctionDef = {
  name: 'scaleCopy',
  params: [I32, I32, I32, F64],
  results: [],
  locals: [I32, V128, V128],
  body: [
    [...op.get(3), ...op.f64x2Splat, ...op.set(6)],
    ...loop16(4, 2, [
      [...load(0, 4), ...op.set(5), ...at(1, 4)],
      // lanes 0, 1 and lanes 2, 3 times scale in float64, rounded to float32, put back together
      [...op.get(5), ...op.f64x2PromoteLow, ...op.get(6), ...op.f64x2Mul, ...op.f32x4DemoteZero],
      [...op.get(5), ...op.get(5), ...op.f32x4Shuffle([2, 3, 0, 1]), ...op.f64x2PromoteLow, ...op.get(6), ...op.f64x2Mul, ...op.f32x4DemoteZero],
      [...op.f32x4Shuffle([0, 1, 4, 5]), ...op.v128Store()],
    ]),
  ],
};
// rotate: from 0, to 1, cos 2, sin 3, halfBytes 4; i 5, x1 6, x2 7, hi 8 (from + half), toHi 9, cs 10 (cos + half), sn 11.
const rotate: FunctionDef = {
  name: 'rotate',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, V128, V128, I32, I32, I32, I32],
  body: [
    [...op.get(0), ...op.get(4), ...op.i32Add, ...op.set(8), ...op.get(1), ...op.get(4), ...op.i32Add, ...op.set(9)],
    [...op.get(2), ...op.get(4), ...op.i32Add, ...op.set(10), ...op.get(3), ...op.get(4), ...op.i32Add, ...op.set(11)],
    ...loop16(5, 4, [
      [...load(0, 5), ...op.set(6), ...load(8, 5), ...op.set(7)],
      // to[i] = x1 cos[i] - x2 sin[i]; to[half + i] = x2 cos[half + i] + x1 sin[half + i]
      [...at(1, 5), ...op.get(6), ...load(2, 5), ...op.f32x4Mul, ...op.get(7), ...load(3, 5), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store()],
      [...at(9, 5), ...op.get(7), ...load(10, 5), ...op.f32x4Mul, ...op.get(6), ...load(11, 5), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store()],
    ]),
  ],
};
// placeQkv: src 0, q 1, k 2, v 3, positions 4, tables 5, R 6, H 7, Hkv 8, dBytes 9, L 10, scale 11 (f64);
// r 12, h 13, j 14, row 15, width 16, half 17, tr 18 (table byte offset of row r), slot 19, plane 20 (bytes of one table), from 21, to 22.
const pq = {
  src: 0,
  q: 1,
  k: 2,
  v: 3,
  pos: 4,
  tab: 5,
  R: 6,
  H: 7,
  Hkv: 8,
  d: 9,
  L: 10,
  scale: 11,
  r: 12,
  h: 13,
  j: 14,
  row: 15,
  width: 16,
  half: 17,
  tr: 18,
  slot: 19,
  plane: 20,
  from: 21,
  to: 22,
};
const table = (index: number): number[] => [
  ...op.get(pq.tab),
  ...op.get(pq.plane),
  ...op.i32(index),
  ...op.i32Mul,
  ...op.i32Add,
  ...op.get(pq.tr),
  ...op.i32Add,
];
/** Pushes row + (slot) * dBytes */
const part = (slot: number[]): number[] => [...op.get(pq.row), ...slot, ...op.get(pq.d), ...op.i32Mul, ...op.i32Add];
const fromTo = [...op.get(pq.from), ...op.get(pq.to)];
const placeQkv: FunctionDef = {
  name: 'placeQkv',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  body: [
    [...op.get(pq.H), ...op.get(pq.Hkv), ...op.i32(1), ...op.i32Shl, ...op.i32Add, ...op.get(pq.d), ...op.i32Mul, ...op.set(pq.width)],
    [...op.get(pq.d), ...op.i32(1), ...op.i32ShrU, ...op.set(pq.half), ...op.get(pq.R), ...op.get(pq.d), ...op.i32Mul, ...op.set(pq.plane)],
    [...op.i32(0), ...op.set(pq.r), ...op.loop()],
    [
      ...op.get(pq.src),
      ...op.get(pq.r),
      ...op.get(pq.width),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.set(pq.row),
      ...op.get(pq.r),
      ...op.get(pq.d),
      ...op.i32Mul,
      ...op.set(pq.tr),
    ],
    // q heads
    [...op.i32(0), ...op.set(pq.h), ...op.loop()],
    [...part(op.get(pq.h)), ...op.set(pq.from), ...op.get(pq.q), ...op.get(pq.r), ...op.get(pq.H), ...op.i32Mul, ...op.get(pq.h), ...op.i32Add],
    [...op.get(pq.d), ...op.i32Mul, ...op.i32Add, ...op.set(pq.to), ...op.get(pq.tab), ...op.if(), ...fromTo, ...table(0), ...table(1), ...op.get(pq.half)],
    [...op.call(ROTATE), ...op.else(), ...fromTo, ...op.get(pq.d), ...op.get(pq.scale), ...op.call(SCALE_COPY), ...op.end()],
    [...op.get(pq.h), ...op.i32(1), ...op.i32Add, ...op.tee(pq.h), ...op.get(pq.H), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    // keys and values into the caches at the row's position
    [...op.i32(0), ...op.set(pq.j), ...op.loop()],
    [...op.get(pq.r), ...op.get(pq.Hkv), ...op.i32Mul, ...op.get(pq.j), ...op.i32Add, ...op.get(pq.L), ...op.i32Mul],
    [
      ...op.get(pq.pos),
      ...op.get(pq.r),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.i32Load(),
      ...op.i32Add,
      ...op.get(pq.d),
      ...op.i32Mul,
      ...op.set(pq.slot),
    ],
    [...part([...op.get(pq.H), ...op.get(pq.j), ...op.i32Add]), ...op.set(pq.from), ...op.get(pq.k), ...op.get(pq.slot), ...op.i32Add, ...op.set(pq.to)],
    [
      ...op.get(pq.tab),
      ...op.if(),
      ...fromTo,
      ...table(2),
      ...table(3),
      ...op.get(pq.half),
      ...op.call(ROTATE),
      ...op.else(),
      ...fromTo,
      ...op.get(pq.d),
      ...op.call(COPY),
      ...op.end(),
    ],
    [
      ...part([...op.get(pq.H), ...op.get(pq.Hkv), ...op.i32Add, ...op.get(pq.j), ...op.i32Add]),
      ...op.get(pq.v),
      ...op.get(pq.slot),
      ...op.i32Add,
      ...op.get(pq.d),
      ...op.call(COPY),
    ],
    [...op.get(pq.j), ...op.i32(1), ...op.i32Add, ...op.tee(pq.j), ...op.get(pq.Hkv), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    next(pq.r, pq.R),
  ],
};

/** The routine bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdPlaceQkv = simdModule<SimdPlaceQkv>(() => [copy, scaleCopy, rotate, placeQkv]);
