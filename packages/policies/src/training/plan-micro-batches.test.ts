import { describe, expect, it } from 'vitest';
import { transformerPreset } from '../model/presets';
import { passShape } from './pack-batch';
import { lengthOrdered, passBytes, planMicroBatches } from './plan-micro-batches';

const config = transformerPreset('llama-tiny');
const seq = (prompt: number, completion: number, id = 0): { promptTokenIds: number[]; completionTokenIds: number[] } => ({
  promptTokenIds: Array.from({ length: prompt }, (_, i) => 1 + ((i + id) % 200)),
  completionTokenIds: Array.from({ length: completion }, () => 7),
});

describe('planMicroBatches', () => {
  const items = Array.from({ length: 6 }, (_, i) => seq(300, 50, i));
  const one = passBytes(passShape(items.slice(0, 1), config), config, true);

  it('fills each micro-batch up to the budget, in order, at least one item each', () => {
    const chunks = planMicroBatches(items, { budgetBytes: 2.5 * one, config, training: true });
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2]);
    expect(chunks.flat()).toEqual(items);
    expect(planMicroBatches(items, { budgetBytes: 1, config, training: true }).map((c) => c.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(planMicroBatches(items, { budgetBytes: 0, config, training: true })).toHaveLength(1);
  });

  it('lets an explicit size win, and caps the items per micro-batch', () => {
    expect(planMicroBatches(items, { size: 4, budgetBytes: 1, config, training: true }).map((c) => c.length)).toEqual([4, 2]);
    expect(planMicroBatches(items, { maxItems: 5, budgetBytes: 0, config, training: false }).map((c) => c.length)).toEqual([5, 1]);
  });

  it('keeps a group sharing a prompt in one micro-batch when it fits, and splits one that does not', () => {
    const groups = [0, 1, 2].flatMap((g) => Array.from({ length: 4 }, () => seq(300, 50, g)));
    const group = passBytes(passShape(groups.slice(0, 4), config), config, true);
    expect(planMicroBatches(groups, { budgetBytes: 1.5 * group, config, training: true }).map((c) => c.length)).toEqual([4, 4, 4]);
    expect(planMicroBatches(groups, { budgetBytes: 2.2 * group, config, training: true }).map((c) => c.length)).toEqual([8, 4]);
    const small = planMicroBatches(groups, { budgetBytes: 0.6 * group, config, training: true });
    expect(small.length).toBeGreaterThan(3);
    expect(small.flat()).toEqual(groups);
  });

  it('costs a group sharing its prompt far less than the same rows with distinct prompts', () => {
    const group = Array.from({ length: 8 }, () => seq(600, 40));
    const distinct = Array.from({ length: 8 }, (_, i) => seq(600, 40, i));
    expect(passShape(group, config).shared).toBe(true);
    expect(passBytes(passShape(group, config), config, true)).toBeLessThan(passBytes(passShape(distinct, config), config, true) / 4);
    expect(passBytes(passShape(distinct, config), config, false)).toBeLessThan(passBytes(passShape(distinct, config), config, true));
  });

  it('orders items longest first for packing, a group sharing a prompt kept whole and in order', () => {
    const a = seq(100, 10, 1);
    const prompt = seq(300, 0, 2).promptTokenIds; // one prompt array, as a GRPO group's
    const group = [5, 50, 20].map((n) => ({ promptTokenIds: prompt, completionTokenIds: Array.from({ length: n }, () => 7) }));
    const b = seq(200, 10, 3);
    const ordered = lengthOrdered([a, ...group, b]);
    expect(ordered).toEqual([...group, b, a]);
    const sorted = [...group, b, a];
    expect(lengthOrdered(sorted)).toBe(sorted); // nothing moves: the same array
  });
});
