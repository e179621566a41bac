import { describe, expect, it } from 'vitest';
import { SeededRng } from '@srl/core';
import { likeliest, sampleToken } from './sampler';

const logitsOf = (probs: number[]): Float32Array => Float32Array.from(probs, Math.log);
const frequencies = (logits: Float32Array, params: { temperature: number; topP: number; topK: number }, draws = 20000): number[] => {
  const rng = new SeededRng(3);
  const counts = new Array(logits.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampleToken(logits, 0, logits.length, params, rng).token]++;
  return counts.map((c) => c / draws);
};

describe('sampleToken', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  const logits = logitsOf(probs);

  it('greedy takes the first maximum and reports the temperature-1 log-probability', () => {
    const rng = new SeededRng(0);
    const x = Float32Array.from([0, 2, 2, -1]);
    const { token, logprob } = sampleToken(x, 0, 4, { temperature: 0, topP: 1, topK: 0 }, rng);
    expect(token).toBe(1);
    const lse = Math.log(Math.exp(0) + 2 * Math.exp(2) + Math.exp(-1));
    expect(logprob).toBeCloseTo(2 - lse, 12);
    expect(rng.state()).toEqual(new SeededRng(0).state()); // greedy draws nothing
    expect(sampleToken(x, 0, 4, { temperature: 1, topP: 1, topK: 1 }, rng).token).toBe(1);
  });

  it('samples the softmax at temperature 1, reading the row at its offset', () => {
    const padded = Float32Array.from([9, 9, ...logits]);
    const rng = new SeededRng(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleToken(padded, 2, 4, { temperature: 1, topP: 1, topK: 0 }, rng).token]++;
    counts.forEach((c, i) => expect(Math.abs(c / 20000 - probs[i])).toBeLessThan(0.015));
  });

  it('reports the log-probability under softmax(logits / T), before top-k and top-p (T = 1 when greedy)', () => {
    const rng = new SeededRng(9);
    const tempered = (T: number): number[] => {
      const e = Array.from(logits, (x) => Math.exp(x / T));
      const z = e.reduce((a, v) => a + v, 0);
      return e.map((v) => v / z);
    };
    for (const T of [0.5, 1, 1.3]) {
      const p = tempered(T);
      for (let i = 0; i < 50; i++) {
        const { token, logprob } = sampleToken(logits, 0, 4, { temperature: T, topP: 0.9, topK: 3 }, rng);
        expect(logprob).toBeCloseTo(Math.log(p[token]), 6);
      }
    }
    const greedy = sampleToken(logits, 0, 4, { temperature: 0, topP: 1, topK: 0 }, rng);
    expect(greedy.logprob).toBeCloseTo(Math.log(probs[greedy.token]), 6);
  });

  it('top-p keeps the smallest prefix reaching the mass (0.75 -> the two likeliest, renormalised)', () => {
    const f = frequencies(logits, { temperature: 1, topP: 0.75, topK: 0 });
    expect(f[2] + f[3]).toBe(0);
    expect(Math.abs(f[0] - 0.5 / 0.8)).toBeLessThan(0.015);
  });

  it('top-k keeps the k likeliest, renormalised', () => {
    const f = frequencies(logits, { temperature: 1, topP: 1, topK: 3 });
    expect(f[3]).toBe(0);
    expect(Math.abs(f[2] - 0.15 / 0.95)).toBeLessThan(0.015);
  });

  it('temperature sharpens: T = 0.5 squares the probabilities', () => {
    const f = frequencies(logits, { temperature: 0.5, topP: 1, topK: 0 });
    const z = probs.reduce((s, p) => s + p * p, 0);
    f.forEach((v, i) => expect(Math.abs(v - (probs[i] * probs[i]) / z)).toBeLessThan(0.015));
  });

  it('top-k selection gives the first k of the full sort by probability (ties by lower index), for every k', () => {
    const rng = new SeededRng(4);
    for (const V of [1, 7, 64, 300]) {
      // few distinct values, so that there are many ties
      const p = Float64Array.from({ length: V }, () => Math.floor(rng.uniform53() * 9) / 8);
      const full = Array.from({ length: V }, (_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
      for (const k of [1, 2, 3, 5, 50, V - 1, V].filter((x) => x >= 1 && x <= V)) expect(Array.from(likeliest(p, V, k))).toEqual(full.slice(0, k));
    }
  });

  it('refuses non-finite logits', () => {
    expect(() => sampleToken(Float32Array.from([NaN, NaN]), 0, 2, { temperature: 1, topP: 1, topK: 0 }, new SeededRng())).toThrow(/non-finite/);
  });
});
