import { describe, expect, it } from 'vitest';
import { simdKernels, webAssembly } from './simd-kernels';

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
