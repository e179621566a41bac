/**
 * The internals of tfjs-backend-wasm 4.22's BackendWasm that this package's kernels use, checked once per backend
 * instance: `wasmInternals` returns null when they do not look as expected, and every caller then falls back to
 * stock tfjs ops, so a future tfjs that changes them degrades in speed, not in correctness.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmMemory } from './simd-module';

/** What these kernels use of `BackendWasm` (tfjs-backend-wasm 4.22). */
export interface WasmInternals {
  wasm: {
    HEAPF32: Float32Array;
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Emscripten's exports; `memory` is the heap's WebAssembly.Memory. */
    asm?: { memory?: WasmMemory };
  };
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** How many tensors share a buffer (reshapes and clones share). */
  refCount(dataId: DataId): number;
}

const checked = new WeakMap<object, WasmInternals | null>();

/** The wasm backend's internals when the active backend is `wasm` and they look as expected; otherwise null. */
export function wasmInternals(backend: unknown = tf.getBackend() === 'wasm' ? tf.backend() : null): WasmInternals | null {
  if (backend === null || typeof backend !== 'object') return null;
  let found = checked.get(backend);
  if (found === undefined) {
    const b = backend as Partial<WasmInternals>;
    const ok =
      b.wasm !== undefined &&
      b.wasm.HEAPF32 instanceof Float32Array &&
      typeof b.wasm.cwrap === 'function' &&
      typeof b.wasm.tfjs?.registerTensor === 'function' &&
      typeof b.wasm.tfjs?.disposeData === 'function' &&
      typeof b.wasm._malloc === 'function' &&
      typeof b.wasm._free === 'function' &&
      typeof b.dataIdMap?.get === 'function' &&
      typeof b.dataIdNextNumber === 'number' &&
      typeof b.makeOutput === 'function' &&
      typeof b.refCount === 'function';
    found = ok ? (b as WasmInternals) : null;
    checked.set(backend, found);
  }
  return found;
}

/**
 * After writing into a tensor's buffer in place: XNNPACK caches packed weights by tensor id, so re-registering
 * the id drops anything cached for it.
 */
export function forgetPackedWeights(backend: WasmInternals, t: TensorInfo): void {
  const data = backend.dataIdMap.get(t.dataId) as { id: number; memoryOffset: number };
  backend.wasm.tfjs.disposeData(data.id);
  backend.wasm.tfjs.registerTensor(
    data.id,
    t.shape.reduce((a, b) => a * b, 1),
    data.memoryOffset,
  );
}

/** Float offset (index into HEAPF32) of a tensor's data. */
export function heapIndex(backend: WasmInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('wasm kernel: tensor data not found on the wasm backend');
  return data.memoryOffset >>> 2;
}
