import { describe, expect, it } from 'vitest';
import { simdKernels } from './simd-kernels';
import { webAssembly } from './simd-module';

describe('WebAssembly SIMD kernels', () => {
  const memory = new webAssembly.Memory({ initial: 1 });
  const kernels = simdKernels(memory);
  const heap = (): Float32Array => new Float32Array(memory.buffer);

  it('compile in this runtime', () => {
    expect(kernels).not.toBeNull();
  });

  it('transpose swaps the last two axes of a batch of matrices', () => {
    const h = heap();
    const [n, R, C] = [2, 20, 36]; // more than one 16 x 16 tile each way, with partial last tiles
    for (let i = 0; i < n * R * C; i++) h[i] = i;
    const dst = 4096;
    kernels!.transpose(0, dst * 4, n, R, C);
    for (let m = 0; m < n; m++) for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) expect(h[dst + m * R * C + c * R + r]).toBe(m * R * C + r * C + c);
  });

  it("adamw follows PyTorch's update", () => {
    const h = heap();
    const n = 8;
    const [P, G, M, V] = [0, 64, 128, 192];
    for (let i = 0; i < n; i++) [h[P + i], h[G + i], h[M + i], h[V + i]] = [0.5 - i / 10, Math.sin(i), 0.01 * i, 0.001 * i];
    const before = h.slice(0, 256);
    const [b1, b2, lr, wd, eps, step] = [0.9, 0.999, 0.01, 0.1, 1e-8, 3];
    const stepSize = lr / (1 - b1 ** step);
    const sqrtBc2 = Math.sqrt(1 - b2 ** step);
    kernels!.adamw(P * 4, G * 4, M * 4, V * 4, n, b1, 1 - b1, b2, 1 - b2, 1 / sqrtBc2, eps, stepSize, 1 - lr * wd);
    for (let i = 0; i < n; i++) {
      const g = before[G + i];
      const m = b1 * before[M + i] + (1 - b1) * g;
      const v = b2 * before[V + i] + (1 - b2) * g * g;
      const p = before[P + i] * (1 - lr * wd) - (stepSize * m) / (Math.sqrt(v) / sqrtBc2 + eps);
      expect(h[M + i]).toBeCloseTo(m, 6);
      expect(h[V + i]).toBeCloseTo(v, 6);
      expect(h[P + i]).toBeCloseTo(p, 6);
    }
  });

  it('columnSum adds the rows', () => {
    const h = heap();
    const [N, C] = [7, 8];
    for (let i = 0; i < N * C; i++) h[i] = i % 5;
    kernels!.columnSum(0, N, C * 4, 512 * 4);
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let r = 0; r < N; r++) sum += h[r * C + c];
      expect(h[512 + c]).toBe(sum);
    }
  });

  it('dots and weightedSum equal the scalar definitions', () => {
    const D = 12;
    const len = 5;
    const h = heap();
    const q = 0;
    const k = 64;
    const out = 1024;
    for (let i = 0; i < D; i++) h[q + i] = Math.fround(Math.sin(i + 1));
    for (let i = 0; i < len * D; i++) h[k + i] = Math.fround(Math.cos(i * 0.7));
    kernels!.dots(q * 4, k * 4, len, D * 4, out * 4);
    for (let t = 0; t < len; t++) {
      let dot = 0;
      for (let i = 0; i < D; i++) dot += h[q + i] * h[k + t * D + i];
      expect(h[out + t]).toBeCloseTo(dot, 5);
    }
    const p = 2048;
    const o = 3072;
    for (let t = 0; t < len; t++) h[p + t] = (t + 1) / 15;
    h.fill(7, o, o + D); // overwritten, not accumulated into
    kernels!.weightedSum(p * 4, k * 4, len, D * 4, o * 4);
    for (let i = 0; i < D; i++) {
      let sum = 0;
      for (let t = 0; t < len; t++) sum += h[p + t] * h[k + t * D + i];
      expect(h[o + i]).toBeCloseTo(sum, 5);
    }
    expect(h[o + D]).toBe(0); // nothing written past D
  });
});
