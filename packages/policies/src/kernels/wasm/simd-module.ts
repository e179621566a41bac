/**
 * How the runtime-assembled SIMD modules (simd-kernels.ts, simd-row-kernels.ts, simd-train-kernels.ts,
 * simd-gemm.ts) are built and bound to the tfjs wasm backend's heap: assembled once per process, instantiated
 * once per memory, null where this runtime cannot compile WebAssembly SIMD (callers keep their fallbacks).
 */
import v8 from 'node:v8';
import { assembleModule, I32, op, V128, type FunctionDef } from './wasm-assembler';

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

/**
 * A binder for the module of `functions` (their exports typed as T): it returns the exports bound to `memory`,
 * or null when `memory` is not a WebAssembly memory or the module does not compile.
 */
export function simdModule<T>(functions: () => FunctionDef[]): (memory: WasmMemory | undefined) => T | null {
  let bytes: Uint8Array | null = null;
  const built = new WeakMap<WasmMemory, T | null>();
  return (memory) => {
    if (memory === undefined || !(memory instanceof webAssembly.Memory)) return null;
    let k = built.get(memory);
    if (k === undefined) {
      try {
        bytes ??= assembleModule(functions());
        k = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } }).exports as unknown as T;
      } catch {
        k = null;
      }
      built.set(memory, k);
    }
    return k;
  };
}

let relaxed: boolean | undefined;

/** A module whose one function runs f32x4.relaxed_madd: it compiles only where relaxed SIMD is enabled. */
const relaxedProbe = (): Uint8Array =>
  assembleModule([
    {
      name: 'madd',
      params: [I32],
      results: [],
      locals: [V128],
      body: [
        [
          ...op.get(0),
          ...op.get(0),
          ...op.v128Load(),
          ...op.get(0),
          ...op.v128Load(),
          ...op.get(0),
          ...op.v128Load(),
          ...op.f32x4RelaxedMadd,
          ...op.v128Store(),
        ],
      ],
    },
  ]);

/**
 * Whether WebAssembly relaxed SIMD (f32x4.relaxed_madd: one fused multiply-add where the CPU has FMA) compiles
 * here, decided once per process. Relaxed SIMD is standard WebAssembly (3.0) and on by default from Node 22
 * (V8 11.4); Node 20's V8 (11.3) has the same implementation behind `--experimental-wasm-relaxed-simd`, which is
 * set here (it only admits the extra opcodes into modules compiled from now on) when the first probe fails.
 * `SRL_WASM_FMA=0` turns it off (the products then multiply and add separately, as XNNPACK's wasm kernels do).
 */
export function relaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  const compiles = (): boolean => {
    try {
      new webAssembly.Module(relaxedProbe());
      return true;
    } catch {
      return false;
    }
  };
  if (process.env.SRL_WASM_FMA === '0') relaxed = false;
  else if (compiles()) relaxed = true;
  else {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxed = compiles();
  }
  return relaxed;
}
