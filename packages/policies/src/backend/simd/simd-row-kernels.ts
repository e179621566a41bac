/**
 * WebAssembly SIMD (f32x4) routines for the elementwise and per-row loops of a decoding step (norms, GELU's
 * argument, the gated products), which JavaScript runs at ~2-3 ns per element: on the tfjs wasm backend's heap,
 * built once per memory with wasm-assembler.ts. Every length is in bytes, a positive multiple of 16; addresses
 * are byte addresses. `simdRowKernels` returns null where WebAssembly SIMD is unavailable (callers keep their
 * JavaScript loops). All arithmetic is float32, lane sums in the order ((l0 + l1) + l2) + l3.
 */
import { assembleModule, F32, I32, op, V128, type FunctionDef } from './wasm-assembler';
import { webAssembly, type WasmMemory } from './simd-kernels';

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
}

/** A loop over byte offset `i` (local) from 0 while i < bytes (local), 16 at a time, around `body`. */
const loop16 = (i: number, bytes: number, body: number[][]): number[][] => [
  [...op.i32(0), ...op.set(i), ...op.loop()],
  ...body,
  [...op.get(i), ...op.i32(16), ...op.i32Add, ...op.tee(i), ...op.get(bytes), ...op.i32LtS, ...op.brIf(0), ...op.end()],
];
const at = (base: number, i: number): number[] => [...op.get(base), ...op.get(i), ...op.i32Add];
const load = (base: number, i: number): number[] => [...at(base, i), ...op.v128Load()];
const laneSum = (v: number): number[] => [
  ...op.get(v), ...op.f32x4ExtractLane(0), ...op.get(v), ...op.f32x4ExtractLane(1), ...op.f32Add,
  ...op.get(v), ...op.f32x4ExtractLane(2), ...op.f32Add, ...op.get(v), ...op.f32x4ExtractLane(3), ...op.f32Add,
];

// Params first, then locals, numbered in that order.
const add: FunctionDef = { name: 'add', params: [I32, I32, I32, I32], results: [], locals: [I32], body: loop16(4, 3, [[...at(2, 4), ...load(0, 4), ...load(1, 4), ...op.f32x4Add, ...op.v128Store()]]) };
const mul2: FunctionDef = { name: 'mul2', params: [I32, I32, I32, I32], results: [], locals: [I32], body: loop16(4, 3, [[...at(2, 4), ...load(0, 4), ...load(1, 4), ...op.f32x4Mul, ...op.v128Store()]]) };
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

let bytes: Uint8Array | null = null;
const built = new WeakMap<WasmMemory, SimdRowKernels | null>();

/** The kernels bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export function simdRowKernels(memory: WasmMemory | undefined): SimdRowKernels | null {
  if (memory === undefined || !(memory instanceof webAssembly.Memory)) return null;
  let k = built.get(memory);
  if (k === undefined) {
    try {
      bytes ??= assembleModule([add, mul2, mul3, geluArg, sum, sumSqDev, scaleRowDef(false), scaleRowDef(true)]);
      const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
      k = instance.exports as unknown as SimdRowKernels;
    } catch {
      k = null;
    }
    built.set(memory, k);
  }
  return k;
}
