/**
 * Small WebAssembly SIMD (f32x4) routines that run directly on the tfjs wasm backend's heap (they import its
 * memory), for loops JavaScript runs ~5x slower: the dot products and weighted sums of single-query attention.
 * Built once per backend instance with wasm-assembler.ts; `simdKernels` returns null where WebAssembly SIMD or the
 * backend's memory is unavailable, and callers keep their JavaScript loops.
 */
import { assembleModule, I32, op, V128 } from './wasm-assembler';

export interface SimdKernels {
  /** out[t] = dot(q[0..D), k[t*D .. t*D+D)) for t < len. Byte addresses; dBytes = 4*D, a multiple of 16. */
  dots(q: number, k: number, len: number, dBytes: number, out: number): void;
  /** out[0..D) = sum over t < len of p[t] * v[t*D .. t*D+D). Byte addresses; dBytes = 4*D, a multiple of 16. */
  weightedSum(p: number, v: number, len: number, dBytes: number, out: number): void;
}

// Locals: params q/p = 0, k/v = 1, len = 2, dBytes = 3, out = 4; then t = 5, i = 6, vector = 7.
const rowLoopEnd = [...op.get(5), ...op.i32(1), ...op.i32Add, ...op.tee(5), ...op.get(2), ...op.i32LtS, ...op.brIf(0), ...op.end()];
const colLoopEnd = [...op.get(6), ...op.i32(16), ...op.i32Add, ...op.tee(6), ...op.get(3), ...op.i32LtS, ...op.brIf(0), ...op.end()];

const dots = {
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

const weightedSum = {
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

/** The parts of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let bytes: Uint8Array | null = null;
const built = new WeakMap<WasmMemory, SimdKernels | null>();

/** The kernels bound to `memory`, or null when this runtime cannot compile WebAssembly SIMD. */
export function simdKernels(memory: WasmMemory | undefined): SimdKernels | null {
  if (memory === undefined || !(memory instanceof webAssembly.Memory)) return null;
  let k = built.get(memory);
  if (k === undefined) {
    try {
      bytes ??= assembleModule([dots, weightedSum]);
      const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
      k = instance.exports as unknown as SimdKernels;
    } catch {
      k = null;
    }
    built.set(memory, k);
  }
  return k;
}

