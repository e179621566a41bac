/**
 * Inference-only kernels for one decoding step on the tfjs `wasm` backend, in JavaScript and WebAssembly SIMD
 * (simd/) on the backend's heap.
 * A decoding step works on a few rows ([samples, hidden]): there the cost of a tfjs op is its dispatch (~10 us),
 * not its arithmetic, so each kernel here replaces a chain of ops:
 *
 * - `SrlNorm`: LayerNorm or RMSNorm of x, optionally of x + residual (also returned): 1 kernel instead of 9-10.
 * - `SrlDecodeQkv`: from the fused projection, RoPE and the 1/sqrt(D) scale for q and k, the new key and value
 *   written into the KV cache in place, q returned as [R*Hkv, G, D]: 1 kernel instead of ~12.
 * - `SrlDecodeAttention`: attention of the new token over each row's written positions only: 1 kernel
 *   instead of 6 (two products over the whole cache, a mask, a softmax, reshapes).
 * - `SrlGeluArg` and `SrlProduct`: GELU as x * sigmoid(z) and SwiGLU as gate * sigmoid(gate) * up in 3 and 2
 *   kernels (the sigmoid on XNNPACK) instead of 6 and 3.
 *
 * Arithmetic mirrors the differentiable path's float32 operation order where it matters for exactness (RoPE,
 * scaling); the tests compare both paths token for token.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { attendCached, normRows, placeQkv, type QkvPlacement } from './decode-math';
import { simdRowKernels } from './simd-row-kernels';
import { forgetPackedWeights, heapIndex, wasmInternals, type WasmInternals } from './wasm-internals';

export const SRL_NORM = 'SrlNorm';
export const SRL_DECODE_QKV = 'SrlDecodeQkv';
export const SRL_DECODE_ATTENTION = 'SrlDecodeAttention';
export const SRL_GELU_ARG = 'SrlGeluArg';
export const SRL_PRODUCT = 'SrlProduct';

const f32 = Math.fround;

/** attrs: kind 'layernorm' | 'rmsnorm', eps. Inputs x [R, C], w [C], b? [C], residual? [R, C]. */
const norm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w, b, residual } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo; residual?: TensorInfo };
  const { kind, eps } = attrs as unknown as { kind: 'layernorm' | 'rmsnorm'; eps: number };
  const be = wasmInternals(backend) as WasmInternals;
  const [R, C] = x.shape;
  const sum = residual === undefined ? null : be.makeOutput([R, C], 'float32');
  const out = be.makeOutput([R, C], 'float32');
  normRows(be, kind, eps, R, C, {
    x: heapIndex(be, x),
    w: heapIndex(be, w),
    b: b === undefined ? -1 : heapIndex(be, b),
    residual: residual === undefined ? -1 : heapIndex(be, residual),
    sum: sum === null ? -1 : heapIndex(be, sum),
    out: heapIndex(be, out),
  });
  return sum === null ? out : [sum, out];
};

/**
 * Inputs qkv [R, (H + 2 Hkv) D], keys and values [R*Hkv, L, D] (written in place at each row's position).
 * attrs: H, Hkv, D, positions (Int32Array [R]), and either qCos/qSin/kCos/kSin (Float32Array [R*D], RoPE tables
 * with q's scale folded in) or scale (no RoPE: q is multiplied by it). Output q [R*Hkv, G, D].
 */
const decodeQkv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { qkv, keys, values } = inputs as { qkv: TensorInfo; keys: TensorInfo; values: TensorInfo };
  const a = attrs as unknown as QkvPlacement;
  const be = wasmInternals(backend) as WasmInternals;
  const R = qkv.shape[0];
  const q = be.makeOutput([R * a.Hkv, a.H / a.Hkv, a.D], 'float32');
  placeQkv(be, a, R, keys.shape[1], heapIndex(be, qkv), heapIndex(be, q), heapIndex(be, keys), heapIndex(be, values));
  forgetPackedWeights(be, keys);
  forgetPackedWeights(be, values);
  return q;
};

/** GPT-2 tanh-GELU's 2 sqrt(2/pi), the factor of `SrlGeluArg`'s argument. */
export const GELU_K = 2 * Math.sqrt(2 / Math.PI);

/**
 * The argument of GPT-2's tanh-form GELU written as x * sigmoid(z): z = 2 sqrt(2/pi) (x + 0.044715 x^3). The
 * sigmoid itself is left to XNNPACK (vectorised; Math.exp costs ~12 ns per element in V8).
 */
const geluArg: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(x.shape, 'float32');
  const heap = be.wasm.HEAPF32;
  const xi = heapIndex(be, x);
  const oi = heapIndex(be, out);
  const n = x.shape.reduce((p, d) => p * d, 1);
  const simd = n % 4 === 0 && n > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (simd !== null) {
    simd.geluArg(xi * 4, oi * 4, n * 4, GELU_K, 0.044715);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = heap[xi + i];
    heap[oi + i] = GELU_K * v * (1 + 0.044715 * v * v);
  }
  return out;
};

/** a * b * c, elementwise (x * sigmoid(z) for GELU with c = 1 omitted; silu(gate) * up = gate * sigmoid(gate) * up). */
const product: KernelFunc = ({ inputs, backend }) => {
  const { a, b, c } = inputs as { a: TensorInfo; b: TensorInfo; c?: TensorInfo };
  const be = wasmInternals(backend) as WasmInternals;
  const out = be.makeOutput(a.shape, 'float32');
  const heap = be.wasm.HEAPF32;
  const ai = heapIndex(be, a);
  const bi = heapIndex(be, b);
  const ci = c === undefined ? -1 : heapIndex(be, c);
  const oi = heapIndex(be, out);
  const n = a.shape.reduce((p, d) => p * d, 1);
  const simd = n % 4 === 0 && n > 0 ? simdRowKernels(be.wasm.asm?.memory) : null;
  if (simd !== null && ci < 0) simd.mul2(ai * 4, bi * 4, oi * 4, n * 4);
  else if (simd !== null) simd.mul3(ai * 4, bi * 4, ci * 4, oi * 4, n * 4);
  else if (ci < 0) for (let i = 0; i < n; i++) heap[oi + i] = heap[ai + i] * heap[bi + i];
  else for (let i = 0; i < n; i++) heap[oi + i] = f32(heap[ai + i] * heap[bi + i]) * heap[ci + i];
  return out;
};

/**
 * Attention of one new query per row over its cached positions (decode-math.ts, attendCached): inputs q
 * [R*Hkv, G, D] (scaled), keys and values [R*Hkv, L, D]; attrs positions [R]. Output [R, H*D] (head h = j*G + g).
 */
const decodeAttention: KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, keys, values } = inputs as { q: TensorInfo; keys: TensorInfo; values: TensorInfo };
  const positions = (attrs as unknown as { positions: Int32Array }).positions;
  const be = wasmInternals(backend) as WasmInternals;
  const [n, G, D] = q.shape;
  const R = positions.length;
  const Hkv = n / R;
  const out = be.makeOutput([R, Hkv * G * D], 'float32');
  const at = { q: heapIndex(be, q), k: heapIndex(be, keys), v: heapIndex(be, values), out: heapIndex(be, out), scratch: -1 };
  attendCached(be, R, Hkv, G, D, keys.shape[1], positions, at);
  return out;
};

/** The kernels above, for the `wasm` backend (registered by wasm-kernels.ts). */
export const WASM_DECODE_KERNELS: KernelConfig[] = [
  { kernelName: SRL_DECODE_ATTENTION, backendName: 'wasm', kernelFunc: decodeAttention },
  { kernelName: SRL_NORM, backendName: 'wasm', kernelFunc: norm },
  { kernelName: SRL_DECODE_QKV, backendName: 'wasm', kernelFunc: decodeQkv },
  { kernelName: SRL_GELU_ARG, backendName: 'wasm', kernelFunc: geluArg },
  { kernelName: SRL_PRODUCT, backendName: 'wasm', kernelFunc: product },
];
