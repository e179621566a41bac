/**
 * WebAssembly SIMD (f32x4) routines for the elementwise work of a training pass that tfjs runs as chains of
 * stock kernels (one pass over memory and one dispatch each): GPT-2's GELU and its gradient in one pass each
 * (~7 kernels each way), and one row of LayerNorm / RMSNorm forward (normalised row and output together) and
 * backward (dx with the weight and bias gradients accumulated in the same pass), and one row of attention's
 * masked softmax and its gradient. Same formulas and order of
 * operations as model/ops/gelu.ts and model/ops/norms.ts; sums over a row in four float32 lanes; the sigmoid as
 * 1 / (1 + exp(-z)) with Cephes' expf (simd-row-kernels.ts). Byte addresses; lengths in bytes, positive
 * multiples of 16. `simdTrainKernels` returns null where WebAssembly SIMD is unavailable.
 */
import { simdModule } from './simd-module';
import { F32, I32, op, V128, type FunctionDef } from './wasm-assembler';
import { at, exp, laneSum, load, loop16 } from './simd-row-kernels';

export interface SimdTrainKernels {
  /** out = x * sigmoid(K x (1 + C x^2)) over `bytes` of x. */
  geluForward(x: number, out: number, bytes: number): void;
  /** out = dy * (s + (3 C K x^2 + K) x (s - s^2)), s = the forward's sigmoid. */
  geluBackward(x: number, dy: number, out: number, bytes: number): void;
  /** One row: xhat = (x - mean) * rstd; y = xhat * w. */
  normRow(x: number, w: number, xhat: number, y: number, bytes: number, mean: number, rstd: number): void;
  /** One row: xhat = (x - mean) * rstd; y = xhat * w + b. */
  normRowBias(x: number, w: number, b: number, xhat: number, y: number, bytes: number, mean: number, rstd: number): void;
  /**
   * One row of the norm's gradient: dxhat = g w; dx = rstd ((dxhat - center mean(dxhat)) - xhat mean(dxhat xhat))
   * (center 1: LayerNorm, 0: RMSNorm); dw += g xhat; db += g. invC = 1 / C.
   */
  normGradRow(g: number, xhat: number, w: number, dx: number, dw: number, db: number, bytes: number, rstd: number, invC: number, center: number): void;
  /** One row: out = softmax(x + mask); entries more than 87 below the row's max weigh exactly 0. */
  softmaxRow(x: number, mask: number, out: number, bytes: number): void;
  /** One row of softmax's gradient: out = dy y - sum(dy y) y. */
  softmaxGradRow(y: number, dy: number, out: number, bytes: number): void;
}

/** 2 sqrt(2 / pi) and GELU's cubic coefficient (model/ops/gelu.ts). */
const K = 2 * Math.sqrt(2 / Math.PI);
const C = 0.044715;

/** Pushes clamp(-((x (x x C + 1)) K), -87, 88) from local x: exp's argument for the sigmoid. */
const negArg = (x: number): number[] => [
  ...[...op.get(x), ...op.get(x), ...op.get(x), ...op.f32x4Mul, ...op.f32x4Const(C), ...op.f32x4Mul, ...op.f32x4Const(1), ...op.f32x4Add, ...op.f32x4Mul],
  ...[...op.f32x4Const(-K), ...op.f32x4Mul, ...op.f32x4Const(-87), ...op.f32x4Pmax, ...op.f32x4Const(88), ...op.f32x4Pmin],
];
/** Pushes 1 / (1 + exp(local t)). */
const sigmoidOf = (t: number, n: number, r: number): number[][] => [
  [...op.f32x4Const(1), ...op.f32x4Const(1)],
  ...exp(t, n, r),
  [...op.f32x4Add, ...op.f32x4Div],
];

// geluForward: x 0, out 1, bytes 2; i 3, xv 4, t 5, n 6, r 7.
const geluForward: FunctionDef = {
  name: 'geluForward',
  params: [I32, I32, I32],
  results: [],
  locals: [I32, V128, V128, V128, V128],
  body: loop16(3, 2, [
    [...load(0, 3), ...op.set(4), ...negArg(4), ...op.set(5), ...at(1, 3), ...op.get(4)],
    ...sigmoidOf(5, 6, 7),
    [...op.f32x4Mul, ...op.v128Store()],
  ]),
};

// geluBackward: x 0, dy 1, out 2, bytes 3; i 4, xv 5, t 6, n 7, r 8, s 9.
const geluBackward: FunctionDef = {
  name: 'geluBackward',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32, V128, V128, V128, V128, V128],
  body: loop16(4, 3, [
    [...load(0, 4), ...op.set(5), ...negArg(5), ...op.set(6)],
    ...sigmoidOf(6, 7, 8),
    [...op.set(9), ...at(2, 4), ...load(1, 4), ...op.get(9)],
    // (x x 3CK + K) (x (s - s s))
    [...op.get(5), ...op.get(5), ...op.f32x4Mul, ...op.f32x4Const(3 * C * K), ...op.f32x4Mul, ...op.f32x4Const(K), ...op.f32x4Add],
    [...op.get(5), ...op.get(9), ...op.get(9), ...op.get(9), ...op.f32x4Mul, ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Mul],
    [...op.f32x4Add, ...op.f32x4Mul, ...op.v128Store()],
  ]),
};

/** normRow(Bias): x 0, w 1, [b 2], xhat, y, bytes, mean, rstd; then i, m, r, v. */
function normRowDef(withBias: boolean): FunctionDef {
  const o = withBias ? 1 : 0;
  const [b, xhat, y, bytes, mean, rstd, i, m, r, v] = [2, 2 + o, 3 + o, 4 + o, 5 + o, 6 + o, 7 + o, 8 + o, 9 + o, 10 + o];
  return {
    name: withBias ? 'normRowBias' : 'normRow',
    params: [I32, I32, ...(withBias ? [I32] : []), I32, I32, I32, F32, F32],
    results: [],
    locals: [I32, V128, V128, V128],
    body: [
      [...op.get(mean), ...op.f32x4Splat, ...op.set(m), ...op.get(rstd), ...op.f32x4Splat, ...op.set(r)],
      ...loop16(i, bytes, [
        [...at(xhat, i), ...load(0, i), ...op.get(m), ...op.f32x4Sub, ...op.get(r), ...op.f32x4Mul, ...op.tee(v), ...op.v128Store()],
        [...at(y, i), ...op.get(v), ...load(1, i), ...op.f32x4Mul, ...(withBias ? [...load(b, i), ...op.f32x4Add] : []), ...op.v128Store()],
      ]),
    ],
  };
}

// normGradRow: g 0, xhat 1, w 2, dx 3, dw 4, db 5, bytes 6, rstd 7, invC 8, center 9; i 10, acc1 11, acc2 12,
// gv 13, dxh 14, m1 15, m2 16, rv 17.
const normGradRow: FunctionDef = {
  name: 'normGradRow',
  params: [I32, I32, I32, I32, I32, I32, I32, F32, F32, F32],
  results: [],
  locals: [I32, V128, V128, V128, V128, V128, V128, V128],
  body: [
    [...op.f32x4Const(0), ...op.set(11), ...op.f32x4Const(0), ...op.set(12)],
    ...loop16(10, 6, [
      [...load(0, 10), ...op.set(13), ...op.get(13), ...load(2, 10), ...op.f32x4Mul, ...op.set(14), ...at(3, 10), ...op.get(14), ...op.v128Store()],
      [
        ...op.get(11),
        ...op.get(14),
        ...op.f32x4Add,
        ...op.set(11),
        ...op.get(12),
        ...op.get(14),
        ...load(1, 10),
        ...op.f32x4Mul,
        ...op.f32x4Add,
        ...op.set(12),
      ],
      [...at(4, 10), ...load(4, 10), ...op.get(13), ...load(1, 10), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store()],
      [...at(5, 10), ...load(5, 10), ...op.get(13), ...op.f32x4Add, ...op.v128Store()],
    ]),
    [...laneSum(11), ...op.get(8), ...op.f32Mul, ...op.get(9), ...op.f32Mul, ...op.f32x4Splat, ...op.set(15)],
    [...laneSum(12), ...op.get(8), ...op.f32Mul, ...op.f32x4Splat, ...op.set(16), ...op.get(7), ...op.f32x4Splat, ...op.set(17)],
    ...loop16(10, 6, [
      [
        ...at(3, 10),
        ...load(3, 10),
        ...op.get(15),
        ...op.f32x4Sub,
        ...load(1, 10),
        ...op.get(16),
        ...op.f32x4Mul,
        ...op.f32x4Sub,
        ...op.get(17),
        ...op.f32x4Mul,
      ],
      op.v128Store(),
    ]),
  ],
};

// softmaxRow: x 0, mask 1, out 2, bytes 3; i 4, mx 5, t 6, n 7, r 8, acc 9, e 10, inv 11 (f32), kept 12.
const softmaxRow: FunctionDef = {
  name: 'softmaxRow',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32, V128, V128, V128, V128, V128, V128, F32, V128],
  body: [
    // out = x + mask, mx = lane-wise max by pmax (mx < x ? x : mx: one maxps where f32x4.max takes ~8 x64
    // instructions), which skips NaN, so NaN lanes are collected apart in acc (x != x)
    [...op.f32x4Const(-3.4e38), ...op.set(5), ...op.f32x4Const(0), ...op.set(9)],
    ...loop16(4, 3, [
      [...at(2, 4), ...load(0, 4), ...load(1, 4), ...op.f32x4Add, ...op.tee(6), ...op.v128Store(), ...op.get(5), ...op.get(6), ...op.f32x4Pmax, ...op.set(5)],
      [...op.get(9), ...op.get(6), ...op.get(6), ...op.f32x4Ne, ...op.v128Or, ...op.set(9)],
    ]),
    [...op.get(5), ...op.f32x4ExtractLane(0), ...op.get(5), ...op.f32x4ExtractLane(1), ...op.f32Max, ...op.get(5), ...op.f32x4ExtractLane(2), ...op.f32Max],
    [...op.get(5), ...op.f32x4ExtractLane(3), ...op.f32Max, ...op.f32x4Splat, ...op.set(5)],
    // a NaN anywhere makes the max NaN, as f32x4.max did (the row then comes out NaN); the max's other values
    // are max's but for the sign of a zero maximum, and exp(x - m) is the same for m = 0 and m = -0
    [...op.get(9), ...op.v128AnyTrue, ...op.if(), ...op.f32x4Const(Number.NaN), ...op.set(5), ...op.end(), ...op.f32x4Const(0), ...op.set(9)],
    // out = exp(out - max), exactly 0 below -87 (masked keys), acc += out; four lanes all below -87 (a run of
    // masked keys: the causal triangle, a prefix's padding) are stored as 0 without the exp (the same values)
    ...loop16(4, 3, [
      [...load(2, 4), ...op.get(5), ...op.f32x4Sub, ...op.tee(6), ...op.f32x4Const(-87), ...op.f32x4Gt, ...op.tee(12), ...op.v128AnyTrue, ...op.if()],
      [...op.get(6), ...op.f32x4Const(-87), ...op.f32x4Pmax, ...op.set(6), ...at(2, 4)],
      ...exp(6, 7, 8),
      [...op.get(12), ...op.v128And, ...op.tee(10), ...op.v128Store(), ...op.get(9), ...op.get(10), ...op.f32x4Add, ...op.set(9)],
      [...op.else(), ...at(2, 4), ...op.f32x4Const(0), ...op.v128Store(), ...op.end()],
    ]),
    [...op.f32(1), ...laneSum(9), ...op.f32Div, ...op.set(11)],
    ...loop16(4, 3, [[...at(2, 4), ...load(2, 4), ...op.get(11), ...op.f32x4Splat, ...op.f32x4Mul, ...op.v128Store()]]),
  ],
};

// softmaxGradRow: y 0, dy 1, out 2, bytes 3; i 4, acc 5, s 6.
const softmaxGradRow: FunctionDef = {
  name: 'softmaxGradRow',
  params: [I32, I32, I32, I32],
  results: [],
  locals: [I32, V128, V128],
  body: [
    [...op.f32x4Const(0), ...op.set(5)],
    ...loop16(4, 3, [[...op.get(5), ...load(1, 4), ...load(0, 4), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(5)]]),
    [...laneSum(5), ...op.f32x4Splat, ...op.set(6)],
    ...loop16(4, 3, [
      [...at(2, 4), ...load(1, 4), ...load(0, 4), ...op.f32x4Mul, ...op.get(6), ...load(0, 4), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store()],
    ]),
  ],
};

/** The kernels bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export const simdTrainKernels = simdModule<SimdTrainKernels>(() => [
  geluForward,
  geluBackward,
  normRowDef(false),
  normRowDef(true),
  normGradRow,
  softmaxRow,
  softmaxGradRow,
]);
