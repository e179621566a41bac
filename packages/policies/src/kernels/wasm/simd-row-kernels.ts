/**
 * WebAssembly SIMD (f32x4) routines for the elementwise and per-row loops of a decoding step (norms, GELU's
 * argument, the gated products), which JavaScript runs at ~2-3 ns per element: on the tfjs wasm backend's heap,
 * built once per memory with wasm-assembler.ts. Every length is in bytes, a positive multiple of 16; addresses
 * are byte addresses. `simdRowKernels` returns null where WebAssembly SIMD is unavailable (callers keep their
 * JavaScript loops). All arithmetic is float32, lane sums in the order ((l0 + l1) + l2) + l3.
 */
import { simdModule } from './simd-module';
import { F32, I32, op, V128, type FunctionDef } from './wasm-assembler';

export interface SimdRowKernels {
  /** out = a + b. */
  add(a: number, b: number, out: number, bytes: number): void;
  /** out = a * b. */
  mul2(a: number, b: number, out: number, bytes: number): void;
  /** out = (a * b) * c. */
  mul3(a: number, b: number, c: number, out: number, bytes: number): void;
  /** out = (k * x) * (1 + c * x * x): GPT-2's tanh-GELU written as x * sigmoid(that). */
  geluArg(x: number, out: number, bytes: number, k: number, c: number): void;
  /** sum of x. */
  sum(x: number, bytes: number): number;
  /** sum of (x - mean)^2. */
  sumSqDev(x: number, bytes: number, mean: number): number;
  /** out = ((x - mean) * rstd) * w. */
  scaleRow(x: number, w: number, out: number, bytes: number, mean: number, rstd: number): void;
  /** out = ((x - mean) * rstd) * w + b. */
  scaleRowBias(x: number, w: number, b: number, out: number, bytes: number, mean: number, rstd: number): void;
  /**
   * x = exp(max(x - m, -87)) in place (Cephes' expf polynomial, ~1 ulp; the floor keeps 2^n normal and adds at most
   * 1.7e-38 per entry); returns their sum.
   */
  expSum(x: number, bytes: number, m: number): number;
  /**
   * out[t] = dot(q[0..D), k[t*D .. t*D+D)) for t < len, len a positive multiple of 4: four keys at a time with
   * independent accumulators (one chain per key would wait on each add); lane sums (l0 + l2) + (l1 + l3).
   */
  dots4(q: number, k: number, len: number, dBytes: number, out: number): void;
}

/** A loop over byte offset `i` (local) from 0 while i < bytes (local), 16 at a time, around `body`. */
export const loop16 = (i: number, bytes: number, body: number[][]): number[][] => [
  [...op.i32(0), ...op.set(i), ...op.loop()],
  ...body,
  [...op.get(i), ...op.i32(16), ...op.i32Add, ...op.tee(i), ...op.get(bytes), ...op.i32LtS, ...op.brIf(0), ...op.end()],
];
export const at = (base: number, i: number): number[] => [...op.get(base), ...op.get(i), ...op.i32Add];
export const load = (base: number, i: number): number[] => [...at(base, i), ...op.v128Load()];
export const laneSum = (v: number): number[] => [
  ...op.get(v),
  ...op.f32x4ExtractLane(0),
  ...op.get(v),
  ...op.f32x4ExtractLane(1),
  ...op.f32Add,
  ...op.get(v),
  ...op.f32x4ExtractLane(2),
  ...op.f32Add,
  ...op.get(v),
  ...op.f32x4ExtractLane(3),
  ...op.f32Add,
];

// Params first, then locals, numbered in that order.
const add: FunctionDef = {
  name: 'add',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32],
  body: loop16(4, 3, [[...at(2, 4), ...load(0, 4), ...load(1, 4), ...op.f32x4Add, ...op.v128Store()]]),
};
const mul2: FunctionDef = {
  name: 'mul2',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32],
  body: loop16(4, 3, [[...at(2, 4), ...load(0, 4), ...load(1, 4), ...op.f32x4Mul, ...op.v128Store()]]),
};
const mul3: FunctionDef = {
  name: 'mul3',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32],
  body: loop16(5, 4, [[...at(3, 5), ...load(0, 5), ...load(1, 5), ...op.f32x4Mul, ...load(2, 5), ...op.f32x4Mul, ...op.v128Store()]]),
};
// geluArg: x 0, out 1, bytes 2, k 3, c 4; i 5, kv 6, cv 7, v 8.
const geluArg: FunctionDef = {
  name: 'geluArg',
  params: [I32, I32, I32, F32, F32],
  results: [],
  locals: [I32, V128, V128, V128],
  body: [
    [...op.get(3), ...op.f32x4Splat, ...op.set(6), ...op.get(4), ...op.f32x4Splat, ...op.set(7)],
    ...loop16(5, 2, [
      [...load(0, 5), ...op.set(8), ...at(1, 5), ...op.get(6), ...op.get(8), ...op.f32x4Mul],
      [...op.f32x4Const(1), ...op.get(7), ...op.get(8), ...op.f32x4Mul, ...op.get(8), ...op.f32x4Mul, ...op.f32x4Add, ...op.f32x4Mul, ...op.v128Store()],
    ]),
  ],
};
// sum: x 0, bytes 1; i 2, acc 3.
const sum: FunctionDef = {
  name: 'sum',
  params: [I32, I32],
  results: [F32],
  locals: [I32, V128],
  body: [[...op.f32x4Const(0), ...op.set(3)], ...loop16(2, 1, [[...op.get(3), ...load(0, 2), ...op.f32x4Add, ...op.set(3)]]), laneSum(3)],
};
// sumSqDev: x 0, bytes 1, mean 2; i 3, acc 4, m 5, d 6.
const sumSqDev: FunctionDef = {
  name: 'sumSqDev',
  params: [I32, I32, F32],
  results: [F32],
  locals: [I32, V128, V128, V128],
  body: [
    [...op.f32x4Const(0), ...op.set(4), ...op.get(2), ...op.f32x4Splat, ...op.set(5)],
    ...loop16(3, 1, [[...load(0, 3), ...op.get(5), ...op.f32x4Sub, ...op.tee(6), ...op.get(6), ...op.f32x4Mul, ...op.get(4), ...op.f32x4Add, ...op.set(4)]]),
    laneSum(4),
  ],
};
/** scaleRow(Bias): x 0, w 1, [b], out, bytes, mean, rstd; then i, m, r. */
function scaleRowDef(withBias: boolean): FunctionDef {
  const o = withBias ? 1 : 0;
  const [b, out, bytes, mean, rstd, i, m, r] = [2, 2 + o, 3 + o, 4 + o, 5 + o, 6 + o, 7 + o, 8 + o];
  return {
    name: withBias ? 'scaleRowBias' : 'scaleRow',
    params: [I32, I32, ...(withBias ? [I32] : []), I32, I32, F32, F32],
    results: [],
    locals: [I32, V128, V128],
    body: [
      [...op.get(mean), ...op.f32x4Splat, ...op.set(m), ...op.get(rstd), ...op.f32x4Splat, ...op.set(r)],
      ...loop16(i, bytes, [
        [...at(out, i), ...load(0, i), ...op.get(m), ...op.f32x4Sub, ...op.get(r), ...op.f32x4Mul, ...load(1, i), ...op.f32x4Mul],
        withBias ? [...load(b, i), ...op.f32x4Add, ...op.v128Store()] : op.v128Store(),
      ]),
    ],
  };
}

const EXP_POLY = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/** 1.5 * 2^23 + 127: t log2 e + this rounds to an integer n (ties to even) whose low bits hold n + 127. */
const EXP_MAGIC = 12583039;
/**
 * Pushes exp(local t) (Cephes' expf: t = n ln 2 + r, a degree-7 polynomial in r, times 2^n); t must lie in
 * [-87, 88] so that 2^n stays normal. n is rounded with the magic-number trick (XNNPACK's): the float
 * t log2 e + EXP_MAGIC has n + 127 in its low mantissa bits, so shifting its bits left by 23 gives 2^n's bits.
 * Locals n (the biased value), r are scratch.
 */
export const exp = (t: number, n: number, r: number): number[][] => [
  [
    ...op.get(t),
    ...op.f32x4Const(Math.LOG2E),
    ...op.f32x4Mul,
    ...op.f32x4Const(EXP_MAGIC),
    ...op.f32x4Add,
    ...op.tee(n),
    ...op.f32x4Const(EXP_MAGIC),
    ...op.f32x4Sub,
    ...op.set(r),
  ],
  // r = (t - n C1) - n C2 (r holds n as a float here)
  [
    ...op.get(t),
    ...op.get(r),
    ...op.f32x4Const(0.693359375),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...op.get(r),
    ...op.f32x4Const(-2.1219444e-4),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...op.set(r),
  ],
  // (((((p0 r + p1) r + p2) r + p3) r + p4) r + p5) r^2 + r + 1
  [...op.f32x4Const(EXP_POLY[0])],
  ...EXP_POLY.slice(1).map((c) => [...op.get(r), ...op.f32x4Mul, ...op.f32x4Const(c), ...op.f32x4Add]),
  [...op.get(r), ...op.get(r), ...op.f32x4Mul, ...op.f32x4Mul, ...op.get(r), ...op.f32x4Add, ...op.f32x4Const(1), ...op.f32x4Add],
  // times 2^n: the biased value's bits shifted into the exponent field
  [...op.get(n), ...op.i32(23), ...op.i32x4Shl, ...op.f32x4Mul],
];

// expSum: x 0, bytes 1, m 2; i 3, acc 4, mv 5, t 6, n 7, r 8, y 9.
export const expSum: FunctionDef = {
  name: 'expSum',
  params: [I32, I32, F32],
  results: [F32],
  locals: [I32, V128, V128, V128, V128, V128, V128],
  body: [
    [...op.f32x4Const(0), ...op.set(4), ...op.get(2), ...op.f32x4Splat, ...op.set(5)],
    ...loop16(3, 1, [
      [...load(0, 3), ...op.get(5), ...op.f32x4Sub, ...op.f32x4Const(-87), ...op.f32x4Pmax, ...op.set(6), ...at(0, 3)],
      ...exp(6, 7, 8),
      [...op.tee(9), ...op.v128Store(), ...op.get(4), ...op.get(9), ...op.f32x4Add, ...op.set(4)],
    ]),
    laneSum(4),
  ],
};

// dots4: q 0, k 1, len 2, dBytes 3, out 4; t 5, i 6, p 7, qv 8, a0..a3 9..12, s01 13, s23 14.
export const dots4: FunctionDef = {
  name: 'dots4',
  params: [I32, I32, I32, I32, I32],
  results: [],
  locals: [I32, I32, I32, V128, V128, V128, V128, V128, V128, V128],
  body: [
    [...op.i32(0), ...op.set(5), ...op.loop()],
    [...op.f32x4Const(0), ...op.tee(9), ...op.tee(10), ...op.tee(11), ...op.set(12)],
    ...loop16(6, 3, [
      [...load(0, 6), ...op.set(8), ...at(1, 6), ...op.set(7)],
      ...[0, 1, 2, 3].map((j) => [
        ...(j > 0 ? [...op.get(7), ...op.get(3), ...op.i32Add, ...op.set(7)] : []),
        ...op.get(9 + j),
        ...op.get(8),
        ...op.get(7),
        ...op.v128Load(),
        ...op.f32x4Mul,
        ...op.f32x4Add,
        ...op.set(9 + j),
      ]),
    ]),
    [
      ...op.get(9),
      ...op.get(10),
      ...op.f32x4Shuffle([0, 4, 1, 5]),
      ...op.get(9),
      ...op.get(10),
      ...op.f32x4Shuffle([2, 6, 3, 7]),
      ...op.f32x4Add,
      ...op.set(13),
    ],
    [
      ...op.get(11),
      ...op.get(12),
      ...op.f32x4Shuffle([0, 4, 1, 5]),
      ...op.get(11),
      ...op.get(12),
      ...op.f32x4Shuffle([2, 6, 3, 7]),
      ...op.f32x4Add,
      ...op.set(14),
    ],
    [
      ...op.get(4),
      ...op.get(13),
      ...op.get(14),
      ...op.f32x4Shuffle([0, 1, 4, 5]),
      ...op.get(13),
      ...op.get(14),
      ...op.f32x4Shuffle([2, 3, 6, 7]),
      ...op.f32x4Add,
      ...op.v128Store(),
    ],
    // next four keys
    [...op.get(4), ...op.i32(16), ...op.i32Add, ...op.set(4), ...op.get(1), ...op.get(3), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(1)],
    [...op.get(5), ...op.i32(4), ...op.i32Add, ...op.tee(5), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()],
  ],
};

/** The kernels bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdRowKernels = simdModule<SimdRowKernels>(() => [add, mul2, mul3, geluArg, sum, sumSqDev, scaleRowDef(false), scaleRowDef(true), expSum, dots4]);
