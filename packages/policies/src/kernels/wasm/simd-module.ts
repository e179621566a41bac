/**
 * How the runtime-assembled SIMD modules (simd-kernels.ts, simd-row-kernels.ts, simd-train-kernels.ts,
 * simd-gemm.ts) are built and bound to the tfjs wasm backend's heap: assembled once per process, instantiated
 * once per memory, null where this runtime cannot compile WebAssembly SIMD (callers keep their fallbacks).
 */
import { assembleModule, type FunctionDef } from './wasm-assembler';

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
