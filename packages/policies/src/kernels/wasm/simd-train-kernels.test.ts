import { describe, expect, it } from 'vitest';
import { simdModule, webAssembly } from './simd-module';
import { simdTrainKernels } from './simd-train-kernels';
import { I32, op, type FunctionDef } from './wasm-assembler';

describe('WebAssembly SIMD training kernels', () => {
  const memory = new webAssembly.Memory({ initial: 1 });
  const k = simdTrainKernels(memory);
  const heap = (): Float32Array => new Float32Array(memory.buffer);
  const K = 2 * Math.sqrt(2 / Math.PI);
  const C = 0.044715;
  const sig = (x: number): number => 1 / (1 + Math.exp(-K * x * (1 + C * x * x)));

  it('compile in this runtime', () => expect(k).not.toBeNull());

  it('GELU and its gradient follow the tanh formula, saturating without NaN', () => {
    const h = heap();
    const n = 16;
    const xs = [-200, -20, -5, -1, -0.5, -1e-3, 0, 1e-3, 0.3, 1, 2, 4, 9, 30, 100, 1e4];
    xs.forEach((x, i) => {
      h[i] = x;
      h[64 + i] = 0.5 + i / 10;
    });
    k!.geluForward(0, 128 * 4, n * 4);
    k!.geluBackward(0, 64 * 4, 192 * 4, n * 4);
    xs.forEach((x, i) => {
      const s = sig(x);
      const dy = h[64 + i];
      expect(h[128 + i]).toBeCloseTo(x * s, 5);
      expect(h[192 + i]).toBeCloseTo(dy * (s + (3 * C * K * x * x + K) * x * (s - s * s)), 5);
    });
  });

  it('GELU and its gradient keep NaN and saturate at the infinities', () => {
    const h = heap();
    const xs = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
    xs.forEach((x, i) => ((h[i] = x), (h[64 + i] = 1)));
    k!.geluForward(0, 128 * 4, 16);
    k!.geluBackward(0, 64 * 4, 192 * 4, 16);
    expect(Array.from(h.slice(128, 132))).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]);
    expect(h[192]).toBeNaN();
  });

  it("the clamps' pseudo-min / -max equal min / max against a constant, for every class of input", () => {
    // clamp(x, lo, hi) both ways over one vector: out0 = min(max(x, lo), hi), out1 = pmin(pmax(x, lo), hi).
    const clamp = (pseudo: boolean): number[] => [
      ...[...op.get(1), ...op.get(0), ...op.v128Load(), ...op.f32x4Const(-87), ...(pseudo ? op.f32x4Pmax : op.f32x4Max)],
      ...[...op.f32x4Const(88), ...(pseudo ? op.f32x4Pmin : op.f32x4Min), ...op.v128Store()],
    ];
    const defs = (): FunctionDef[] => [
      { name: 'plain', params: [I32, I32], results: [], locals: [], body: [clamp(false)] },
      { name: 'pseudo', params: [I32, I32], results: [], locals: [], body: [clamp(true)] },
    ];
    const mem = new webAssembly.Memory({ initial: 1 });
    const f = simdModule<{ plain(x: number, out: number): void; pseudo(x: number, out: number): void }>(defs)(mem)!;
    const h = new Float32Array(mem.buffer);
    const bits = new Uint32Array(mem.buffer);
    const xs = [Number.NaN, -Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, -87, 88, -87.5, 88.5, 1e-45, -3, 42];
    for (let i = 0; i < xs.length; i += 4) {
      h.set(xs.slice(i, i + 4), 0);
      f.plain(0, 16);
      f.pseudo(0, 32);
      // the same bits, but for NaN's sign and payload (unspecified for min / max: V8's canonical NaN there)
      const same = (lane: number): boolean => (Number.isNaN(h[4 + lane]) ? Number.isNaN(h[8 + lane]) : bits[8 + lane] === bits[4 + lane]);
      expect([0, 1, 2, 3].map(same)).toEqual([true, true, true, true]);
    }
  });

  it('a norm row and its gradient', () => {
    const h = heap();
    const Cn = 8;
    const [X, W, B, XH, Y, G, DX, DW, DB] = [0, 16, 32, 48, 64, 80, 96, 112, 128];
    for (let c = 0; c < Cn; c++) [h[X + c], h[W + c], h[B + c], h[G + c]] = [Math.sin(c) * 3, 1 + c / 7, c / 5 - 0.4, Math.cos(c * 1.3)];
    const x = Array.from(h.slice(X, X + Cn));
    const mean = x.reduce((a, b) => a + b, 0) / Cn;
    const rstd = 1 / Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / Cn + 1e-5);
    k!.normRowBias(X * 4, W * 4, B * 4, XH * 4, Y * 4, Cn * 4, mean, rstd);
    const xhat = x.map((v) => (v - mean) * rstd);
    for (let c = 0; c < Cn; c++) {
      expect(h[XH + c]).toBeCloseTo(xhat[c], 5);
      expect(h[Y + c]).toBeCloseTo(xhat[c] * h[W + c] + h[B + c], 5);
    }
    h.fill(0.25, DW, DW + Cn); // accumulated into
    h.fill(0, DB, DB + Cn);
    k!.normGradRow(G * 4, XH * 4, W * 4, DX * 4, DW * 4, DB * 4, Cn * 4, rstd, 1 / Cn, 1);
    const dxhat = Array.from({ length: Cn }, (_, c) => h[G + c] * h[W + c]);
    const m1 = dxhat.reduce((a, b) => a + b, 0) / Cn;
    const m2 = dxhat.reduce((a, b, c) => a + b * xhat[c], 0) / Cn;
    for (let c = 0; c < Cn; c++) {
      expect(h[DX + c]).toBeCloseTo(rstd * (dxhat[c] - m1 - xhat[c] * m2), 5);
      expect(h[DW + c]).toBeCloseTo(0.25 + h[G + c] * xhat[c], 5);
      expect(h[DB + c]).toBeCloseTo(h[G + c], 6);
    }
  });
});

describe('WebAssembly SIMD softmax rows', () => {
  const memory = new webAssembly.Memory({ initial: 1 });
  const k = simdTrainKernels(memory);
  it('softmax(x + mask) and its gradient', () => {
    const h = new Float32Array(memory.buffer);
    const n = 12;
    const [X, M, Y, DY, DX] = [0, 16, 32, 48, 64];
    for (let i = 0; i < n; i++) [h[X + i], h[M + i], h[DY + i]] = [Math.sin(i) * 4, i > 8 ? -1e9 : 0, Math.cos(i)];
    k!.softmaxRow(X * 4, M * 4, Y * 4, n * 4);
    const z = Array.from({ length: n }, (_, i) => h[X + i] + h[M + i]);
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) expect(h[Y + i]).toBeCloseTo(e[i] / s, 6);
    expect(h[Y + 10]).toBe(0);
    k!.softmaxGradRow(Y * 4, DY * 4, DX * 4, n * 4);
    const y = Array.from(h.slice(Y, Y + n));
    const dot = y.reduce((a, v, i) => a + v * h[DY + i], 0);
    for (let i = 0; i < n; i++) expect(h[DX + i]).toBeCloseTo(h[DY + i] * y[i] - dot * y[i], 6);
  });

  it('a NaN or an infinity anywhere in a row gives a NaN row; zeros of both signs a uniform one', () => {
    const h = new Float32Array(memory.buffer);
    const n = 12;
    const [X, M, Y] = [0, 16, 32];
    h.fill(0, M, M + n);
    for (const special of [Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const at of [0, 5, 11]) {
        for (let i = 0; i < n; i++) h[X + i] = Math.sin(i) * 4;
        h[X + at] = special;
        k!.softmaxRow(X * 4, M * 4, Y * 4, n * 4);
        expect(Array.from(h.slice(Y, Y + n)).every(Number.isNaN), `${special} at ${at}`).toBe(true);
      }
    }
    for (let i = 0; i < n; i++) h[X + i] = i % 3 === 0 ? -0 : 0;
    k!.softmaxRow(X * 4, M * 4, Y * 4, n * 4);
    expect(Array.from(h.slice(Y, Y + n))).toEqual(Array.from({ length: n }, () => Math.fround(1 / n)));
  });
});
