/**
 * A decoding step's attention for one layer in one WebAssembly call: every row's query heads against the row's
 * cached positions 0..positions[r]. Per head it runs the routines decode-math.ts used to call one by one from
 * JavaScript (dots4 and dots for the scores, expSum for the exponentials, weightedSum for the output), with the max
 * and the normalisation that ran in JavaScript written here in the same arithmetic (the scores' max by `>`, each
 * probability p rounded from p * (1 / sum) in float64), so the floats are the same and the ~1 us of calls and
 * loops per head in JavaScript go. Built once per memory; `simdAttention` returns null without SIMD.
 */
import { simdModule } from './simd-module';
import { dots } from './simd-kernels';
import { dots4, expSum } from './simd-row-kernels';
import { F32, I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdAttention {
  /**
   * For r < R, j < Hkv, g < G: out[(r*Hkv + j)*G + g] = softmax(q_h . k_t, t <= positions[r]) weighted sum of v_t,
   * with q [R*Hkv, G, D] (scaled), keys and values [R*Hkv, L, D], out [R, Hkv*G*D]. Byte addresses (`positions`:
   * int32[R] on the heap); dBytes = 4*D, a positive multiple of 16; `scratch` holds (L + 3) & ~3 floats.
   */
  attendLayer(
    q: number,
    k: number,
    v: number,
    out: number,
    scratch: number,
    positions: number,
    R: number,
    Hkv: number,
    G: number,
    dBytes: number,
    L: number,
  ): void;
}

// The module's functions, by index.
const DOTS4 = 0;
const DOTS = 1;
const EXP_SUM = 2;
const MIX = 3;
const ATTEND_HEAD = 4;

// attendHead: q 0, k 1, v 2, len 3, dBytes 4, out 5, scratch 6; t 7, len4 8, padded 9, m 10, x 11, inv 12 (1 / sum
// in both f64 lanes), addr 13, mv 14 (a vector of scores).
const h = { q: 0, k: 1, v: 2, len: 3, d: 4, out: 5, s: 6, t: 7, len4: 8, padded: 9, m: 10, x: 11, inv: 12, addr: 13, mv: 14 };
const scratchAt = (t: number): number[] => [...op.get(h.s), ...op.get(t), ...op.i32(2), ...op.i32Shl, ...op.i32Add];
const attendHead: FunctionDef = {
  name: 'attendHead',
  params: [I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, F32, F32, V128, I32, V128],
  body: [
    // scores: whole blocks of four keys, then the rest (< 4) one at a time
    [...op.get(h.len), ...op.i32(-4), ...op.i32And, ...op.tee(h.len4), ...op.if()],
    [...op.get(h.q), ...op.get(h.k), ...op.get(h.len4), ...op.get(h.d), ...op.get(h.s), ...op.call(DOTS4), ...op.end()],
    [...op.get(h.len4), ...op.get(h.len), ...op.i32LtS, ...op.if()],
    [...op.get(h.q), ...op.get(h.k), ...op.get(h.len4), ...op.get(h.d), ...op.i32Mul, ...op.i32Add],
    [...op.get(h.len), ...op.get(h.len4), ...op.i32Sub, ...op.get(h.d), ...scratchAt(h.len4), ...op.call(DOTS), ...op.end()],
    // -Infinity up to whole vectors
    [...op.get(h.len), ...op.i32(3), ...op.i32Add, ...op.i32(-4), ...op.i32And, ...op.set(h.padded), ...op.get(h.len), ...op.set(h.t)],
    [...op.block(), ...op.loop(), ...op.get(h.t), ...op.get(h.padded), ...op.i32GeS, ...op.brIf(1)],
    [
      ...scratchAt(h.t),
      ...op.f32(-Infinity),
      ...op.f32Store(),
      ...op.get(h.t),
      ...op.i32(1),
      ...op.i32Add,
      ...op.set(h.t),
      ...op.br(0),
      ...op.end(),
      ...op.end(),
    ],
    // m = the largest score, as `if (x > m) m = x` from m = -Infinity (NaN never taken, the padding never wins):
    // per lane with pmax (m < x ? x : m), then over the lanes. Only the sign of a zero maximum can differ from
    // the scan in order, and exp(x - m) is the same for m = 0 and m = -0.
    [...op.f32x4Const(-Infinity), ...op.set(h.mv), ...op.i32(0), ...op.set(h.t), ...op.loop()],
    [...op.get(h.mv), ...scratchAt(h.t), ...op.v128Load(), ...op.f32x4Pmax, ...op.set(h.mv)],
    [...op.get(h.t), ...op.i32(4), ...op.i32Add, ...op.tee(h.t), ...op.get(h.padded), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.f32(-Infinity), ...op.set(h.m)],
    ...[0, 1, 2, 3].map((lane) => [
      ...op.get(h.mv),
      ...op.f32x4ExtractLane(lane),
      ...op.tee(h.x),
      ...op.get(h.m),
      ...op.f32Gt,
      ...op.if(),
      ...op.get(h.x),
      ...op.set(h.m),
      ...op.end(),
    ]),
    // exp(score - m) in place and its sum
    [
      ...op.f64(1),
      ...op.get(h.s),
      ...op.get(h.padded),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.get(h.m),
      ...op.call(EXP_SUM),
      ...op.f64Promote,
      ...op.f64Div,
      ...op.f64x2Splat,
      ...op.set(h.inv),
    ],
    // p = p * (1 / sum), in float64 rounded to float32, two lanes at a time (the padding too: mix reads len)
    [...op.i32(0), ...op.set(h.t), ...op.loop()],
    [...scratchAt(h.t), ...op.tee(h.addr), ...op.v128Load(), ...op.set(h.mv), ...op.get(h.addr)],
    [...op.get(h.mv), ...op.f64x2PromoteLow, ...op.get(h.inv), ...op.f64x2Mul, ...op.f32x4DemoteZero],
    [...op.get(h.mv), ...op.get(h.mv), ...op.f32x4Shuffle([2, 3, 0, 1]), ...op.f64x2PromoteLow, ...op.get(h.inv), ...op.f64x2Mul, ...op.f32x4DemoteZero],
    [...op.f32x4Shuffle([0, 1, 4, 5]), ...op.v128Store()],
    [...op.get(h.t), ...op.i32(4), ...op.i32Add, ...op.tee(h.t), ...op.get(h.padded), ...op.i32LtS, ...op.brIf(0), ...op.end()],
    [...op.get(h.s), ...op.get(h.v), ...op.get(h.len), ...op.get(h.d), ...op.get(h.out), ...op.call(MIX)],
  ],
};

// attendLayer: q 0, k 1, v 2, out 3, scratch 4, positions 5, R 6, Hkv 7, G 8, dBytes 9, L 10; r 11, j 12, g 13,
// len 14, kv 15 (byte offset of the (r, j) cache row), head 16 (byte offset of the (r, j, g) query and output).
const a = { q: 0, k: 1, v: 2, out: 3, s: 4, pos: 5, R: 6, Hkv: 7, G: 8, d: 9, L: 10, r: 11, j: 12, g: 13, len: 14, kv: 15, head: 16 };
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
/** (r * Hkv + j) */
const rj = [...op.get(a.r), ...op.get(a.Hkv), ...op.i32Mul, ...op.get(a.j), ...op.i32Add];
const attendLayer: FunctionDef = {
  name: 'attendLayer',
  params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, I32, I32],
  body: [
    [...op.i32(0), ...op.set(a.r), ...op.loop()],
    [...op.get(a.pos), ...op.get(a.r), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(), ...op.i32(1), ...op.i32Add, ...op.set(a.len)],
    [...op.i32(0), ...op.set(a.j), ...op.loop()],
    [...rj, ...op.get(a.L), ...op.i32Mul, ...op.get(a.d), ...op.i32Mul, ...op.set(a.kv), ...op.i32(0), ...op.set(a.g), ...op.loop()],
    [...rj, ...op.get(a.G), ...op.i32Mul, ...op.get(a.g), ...op.i32Add, ...op.get(a.d), ...op.i32Mul, ...op.set(a.head)],
    [...op.get(a.q), ...op.get(a.head), ...op.i32Add, ...op.get(a.k), ...op.get(a.kv), ...op.i32Add, ...op.get(a.v), ...op.get(a.kv), ...op.i32Add],
    [...op.get(a.len), ...op.get(a.d), ...op.get(a.out), ...op.get(a.head), ...op.i32Add, ...op.get(a.s), ...op.call(ATTEND_HEAD)],
    next(a.g, a.G),
    next(a.j, a.Hkv),
    next(a.r, a.R),
  ],
};

// mix: p 0, v 1, len 2, dBytes 3, out 4; c 5, t 6, pp 7, vp 8, s 9, acc 10..17.
const m = { p: 0, v: 1, len: 2, d: 3, out: 4, c: 5, t: 6, pp: 7, vp: 8, s: 9, acc: 10 };
/** Output columns c.. of `mix`, `vectors` vectors at a time in registers, while c + 16*vectors <= dBytes. */
const mixColumns = (vectors: number): number[][] => [
  op.block(),
  op.loop(),
  [...op.get(m.d), ...op.get(m.c), ...op.i32(16 * vectors), ...op.i32Add, ...op.i32LtS, ...op.brIf(1)],
  Array.from({ length: vectors }, (_, i) => [...op.f32x4Const(0), ...op.set(m.acc + i)]).flat(),
  [...op.get(m.len), ...op.set(m.t), ...op.get(m.p), ...op.set(m.pp), ...op.get(m.v), ...op.get(m.c), ...op.i32Add, ...op.set(m.vp), ...op.loop()],
  [...op.get(m.pp), ...op.v128Load32Splat(), ...op.set(m.s)],
  Array.from({ length: vectors }, (_, i) => [
    ...op.get(m.acc + i),
    ...op.get(m.s),
    ...op.get(m.vp),
    ...op.v128Load(16 * i),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(m.acc + i),
  ]).flat(),
  [...op.get(m.pp), ...op.i32(4), ...op.i32Add, ...op.set(m.pp), ...op.get(m.vp), ...op.get(m.d), ...op.i32Add, ...op.set(m.vp)],
  [...op.get(m.t), ...op.i32(1), ...op.i32Sub, ...op.tee(m.t), ...op.brIf(0), ...op.end()],
  Array.from({ length: vectors }, (_, i) => [...op.get(m.out), ...op.get(m.c), ...op.i32Add, ...op.get(m.acc + i), ...op.v128Store(16 * i)]).flat(),
  [...op.get(m.c), ...op.i32(16 * vectors), ...op.i32Add, ...op.set(m.c), ...op.br(0), ...op.end(), ...op.end()],
];
/**
 * out[0..D) = sum over t < len of p[t] * v[t*D .. t*D+D), as simd-kernels.ts's weightedSum (the same sums, t in
 * order from 0) with the output in registers, eight vectors at a time, instead of loaded and stored for every t.
 */
const mix: FunctionDef = {
  name: 'mix',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, I32, V128, ...Array<number>(8).fill(V128)],
  body: [[...op.i32(0), ...op.set(m.c)], ...mixColumns(8), ...mixColumns(1)],
};

/** The routine bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdAttention = simdModule<SimdAttention>(() => [dots4, dots, expSum, mix, attendHead, attendLayer]);
