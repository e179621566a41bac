import { describe, expect, it } from 'vitest';
import { simdAttention } from './simd-attention';
import { simdPlaceQkv } from './simd-place-qkv';
import { simdKernels } from './simd-kernels';
import { webAssembly } from './simd-module';
import { simdRowKernels } from './simd-row-kernels';

const f = Math.fround;

// The fused routines against the routines they replace, called one by one as decode-math.ts called them before
// (JavaScript max and normalisation between them): the same floats, bit for bit.
describe('WebAssembly SIMD decode attention', () => {
  const memory = new webAssembly.Memory({ initial: 16 });
  const fused = simdAttention(memory);
  const place = simdPlaceQkv(memory);
  const simd = simdKernels(memory);
  const rows = simdRowKernels(memory);
  const heap = new Float32Array(memory.buffer);
  let next = 16;
  const alloc = (n: number): number => {
    const at = next;
    next += (n + 3) & ~3;
    return at;
  };
  let seed = 5;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };

  it('compiles in this runtime', () => {
    expect(fused).not.toBeNull();
    expect(place).not.toBeNull();
  });

  it.each([
    [3, 2, 2, 8, 13],
    [2, 1, 4, 16, 9],
    [1, 4, 1, 32, 7],
    [4, 2, 2, 16, 41],
    [2, 2, 2, 32, 300],
    [1, 2, 4, 16, 600],
  ])('attendLayer (R %i, Hkv %i, G %i, D %i, L %i) = the per-head routines', (R, Hkv, G, D, L) => {
    const [q, k, v] = [R * Hkv * G * D, R * Hkv * L * D, R * Hkv * L * D].map((n) => {
      const at = alloc(n);
      for (let i = 0; i < n; i++) heap[at + i] = 3 * random();
      return at;
    });
    // lengths 1..L, not all multiples of 4: even rows nearly all of L (several chunks), odd rows short
    const positions = Int32Array.from({ length: R }, (_, r) => (r % 2 === 0 ? L - 1 - r : (r * 5 + 3) % L));
    const pos = alloc(R);
    new Int32Array(memory.buffer, pos * 4, R).set(positions);
    const [out, expected, scratch] = [alloc(R * Hkv * G * D), alloc(R * Hkv * G * D), alloc(L + 4)];
    fused!.attendLayer(q * 4, k * 4, v * 4, out * 4, scratch * 4, pos * 4, R, Hkv, G, D * 4, L);
    for (let r = 0; r < R; r++) {
      const len = positions[r] + 1;
      for (let j = 0; j < Hkv; j++) {
        const row = (r * Hkv + j) * L * D;
        for (let g = 0; g < G; g++) {
          const head = ((r * Hkv + j) * G + g) * D;
          const len4 = len & ~3;
          if (len4 > 0) rows!.dots4((q + head) * 4, (k + row) * 4, len4, D * 4, scratch * 4);
          if (len4 < len) simd!.dots((q + head) * 4, (k + row + len4 * D) * 4, len - len4, D * 4, (scratch + len4) * 4);
          let max = -Infinity;
          for (let t = 0; t < len; t++) if (heap[scratch + t] > max) max = heap[scratch + t];
          const padded = (len + 3) & ~3;
          for (let t = len; t < padded; t++) heap[scratch + t] = -Infinity;
          const inv = 1 / rows!.expSum(scratch * 4, padded * 4, max);
          for (let t = 0; t < len; t++) heap[scratch + t] *= inv;
          simd!.weightedSum(scratch * 4, (v + row) * 4, len, D * 4, (expected + head) * 4);
        }
      }
    }
    expect(Array.from(heap.subarray(out, out + R * Hkv * G * D))).toEqual(Array.from(heap.subarray(expected, expected + R * Hkv * G * D)));
  });

  it.each([false, true])('placeQkv (RoPE %s) computes the JavaScript formulas exactly', (rope) => {
    const [R, H, Hkv, D, L] = [3, 4, 2, 8, 6];
    const width = (H + 2 * Hkv) * D;
    const src = alloc(R * width);
    for (let i = 0; i < R * width; i++) heap[src + i] = 2 * random();
    const [q, k, v, pos, tables] = [alloc(R * H * D), alloc(R * Hkv * L * D), alloc(R * Hkv * L * D), alloc(R), alloc(4 * R * D)];
    for (let i = 0; i < 4 * R * D; i++) heap[tables + i] = random();
    const positions = Int32Array.from([5, 0, 2]);
    new Int32Array(memory.buffer, pos * 4, R).set(positions);
    const scale = 1 / Math.sqrt(D);
    place!.placeQkv(src * 4, q * 4, k * 4, v * 4, pos * 4, rope ? tables * 4 : 0, R, H, Hkv, D * 4, L, scale);
    const half = D / 2;
    const table = (i: number, r: number, x: number): number => heap[tables + i * R * D + r * D + x];
    const rotated = (from: number, r: number, i: number, c: number): number =>
      i < half
        ? f(f(heap[from + i] * table(c, r, i)) + f(-heap[from + i + half] * table(c + 1, r, i)))
        : f(f(heap[from + i] * table(c, r, i)) + f(heap[from + i - half] * table(c + 1, r, i)));
    for (let r = 0; r < R; r++) {
      for (let h = 0; h < H; h++) {
        const from = src + r * width + h * D;
        for (let i = 0; i < D; i++) expect(heap[q + (r * H + h) * D + i]).toBe(rope ? rotated(from, r, i, 0) : f(heap[from + i] * scale));
      }
      for (let j = 0; j < Hkv; j++) {
        const slot = ((r * Hkv + j) * L + positions[r]) * D;
        const kFrom = src + r * width + (H + j) * D;
        const vFrom = src + r * width + (H + Hkv + j) * D;
        for (let i = 0; i < D; i++) {
          expect(heap[k + slot + i]).toBe(rope ? rotated(kFrom, r, i, 2) : heap[kFrom + i]);
          expect(heap[v + slot + i]).toBe(heap[vFrom + i]);
        }
      }
    }
  });
});
