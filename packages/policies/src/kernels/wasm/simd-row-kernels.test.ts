import { describe, expect, it } from 'vitest';
import { webAssembly } from './simd-module';
import { simdRowKernels } from './simd-row-kernels';

// Each routine against the same formula in float32 JavaScript (Math.fround after every operation).
describe('WebAssembly SIMD row kernels', () => {
  const memory = new webAssembly.Memory({ initial: 1 });
  const k = simdRowKernels(memory);
  const heap = new Float32Array(memory.buffer);
  const f = Math.fround;
  const n = 12;
  const [A, B, C, W, O] = [0, 64, 128, 192, 256];
  for (let i = 0; i < n; i++) [heap[A + i], heap[B + i], heap[C + i], heap[W + i]] = [Math.sin(i + 1) * 3, Math.cos(i) / 7, 1.5 - i / 5, 0.5 + i / 11];

  it('compile in this runtime', () => {
    expect(k).not.toBeNull();
  });

  it('add, mul2, mul3 and geluArg compute their float32 formulas exactly', () => {
    const check = (expected: (i: number) => number): void => {
      for (let i = 0; i < n; i++) expect(heap[O + i]).toBe(expected(i));
    };
    k!.add(A * 4, B * 4, O * 4, n * 4);
    check((i) => f(heap[A + i] + heap[B + i]));
    k!.mul2(A * 4, B * 4, O * 4, n * 4);
    check((i) => f(heap[A + i] * heap[B + i]));
    k!.mul3(A * 4, B * 4, C * 4, O * 4, n * 4);
    check((i) => f(f(heap[A + i] * heap[B + i]) * heap[C + i]));
    const [gk, gc] = [f(1.6), f(0.044715)];
    k!.geluArg(A * 4, O * 4, n * 4, gk, gc);
    check((i) => {
      const x = heap[A + i];
      return f(f(gk * x) * f(1 + f(f(gc * x) * x)));
    });
  });

  it('row sums and the normalising scale', () => {
    const lanes = (term: (i: number) => number): number => {
      const acc = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) acc[i % 4] = f(acc[i % 4] + term(i));
      return f(f(f(acc[0] + acc[1]) + acc[2]) + acc[3]);
    };
    expect(k!.sum(A * 4, n * 4)).toBe(lanes((i) => heap[A + i]));
    const mean = f(0.25);
    expect(k!.sumSqDev(A * 4, n * 4, mean)).toBe(lanes((i) => f(f(heap[A + i] - mean) ** 2)));
    const rstd = f(1.75);
    k!.scaleRow(A * 4, W * 4, O * 4, n * 4, mean, rstd);
    for (let i = 0; i < n; i++) expect(heap[O + i]).toBe(f(f(f(heap[A + i] - mean) * rstd) * heap[W + i]));
    k!.scaleRowBias(A * 4, W * 4, B * 4, O * 4, n * 4, mean, rstd);
    for (let i = 0; i < n; i++) expect(heap[O + i]).toBe(f(f(f(f(heap[A + i] - mean) * rstd) * heap[W + i]) + heap[B + i]));
  });
});

describe('expSum', () => {
  it('exponentiates in place to ~1 ulp, floors at exp(-87), and returns the float32 sum', () => {
    const memory = new webAssembly.Memory({ initial: 1 });
    const k = simdRowKernels(memory)!;
    const heap = new Float32Array(memory.buffer);
    const xs = [0, -1e-3, -0.5, -1, -2.75, -10.3, -40, -86.9, -100, -Infinity, 3.2, 0.25];
    heap.set(xs);
    const m = 0.5;
    const s = k.expSum(0, xs.length * 4, m);
    let sum = 0;
    xs.forEach((x, i) => {
      const expected = Math.exp(Math.max(x - m, -87));
      expect(Math.abs(heap[i] - expected) / expected).toBeLessThan(3e-7);
      sum += heap[i];
    });
    expect(Math.abs(s - sum) / sum).toBeLessThan(1e-6);
  });
});

describe('dots4', () => {
  it('dot products of one query with 4k keys, as float32 sums', () => {
    const memory = new webAssembly.Memory({ initial: 1 });
    const k = simdRowKernels(memory)!;
    const heap = new Float32Array(memory.buffer);
    const [D, len, Q, K, O] = [8, 8, 0, 64, 1024];
    for (let i = 0; i < D; i++) heap[Q + i] = Math.sin(i) + 0.5;
    for (let i = 0; i < len * D; i++) heap[K + i] = Math.cos(i * 0.37) * 2;
    k.dots4(Q * 4, K * 4, len, D * 4, O * 4);
    for (let t = 0; t < len; t++) {
      let dot = 0;
      for (let i = 0; i < D; i++) dot += heap[Q + i] * heap[K + t * D + i];
      expect(Math.abs(heap[O + t] - dot)).toBeLessThan(1e-5);
    }
  });
});
