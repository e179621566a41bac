import { describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { MathInstanceBuilder } from '../instances/math-instance-builder';
import { SyntheticArithmeticTask, type SyntheticArithmeticConfig } from './synthetic-arithmetic-task';

const config: SyntheticArithmeticConfig = {
  steps: 3,
  digits: 1,
  operations: ['add', 'subtract', 'multiply', 'divide'],
  allowNegative: false,
  finalAnswerStep: true,
  seed: 0,
  heldOutSeed: 20251030,
  testSize: 200,
  validationSize: 100,
  trainSize: 500,
};
const make = (overrides: Partial<SyntheticArithmeticConfig> = {}) =>
  new SyntheticArithmeticTask({ ...config, ...overrides }, new MathInstanceBuilder(), { name: 'accuracy', reward: 'math-answer' });

describe('SyntheticArithmeticTask', () => {
  it('has fixed, distinct held-out splits that do not depend on the train seed', async () => {
    const a = make();
    const test = (await a.load('test')).examples;
    const validation = (await a.load('validation')).examples;
    expect(test).toHaveLength(200);
    expect(validation).toHaveLength(100);
    const problems = new Set([...test, ...validation].map((e) => e.problem));
    expect(problems.size).toBe(300);
    expect((await make({ seed: 99 }).load('test')).examples).toEqual(test);
    expect((await make({ heldOutSeed: 1 }).load('test')).examples).not.toEqual(test);
    expect((await make({ steps: 4 }).load('test')).examples[0].steps).toHaveLength(5);
  });

  it('train is an endless, index-addressable stream that never repeats a held-out problem', async () => {
    const a = make();
    const held = new Set([...(await a.load('test')).examples, ...(await a.load('validation')).examples].map((e) => e.problem));
    const train = (await a.load('train')).examples;
    expect(train).toHaveLength(500);
    expect(train.some((e) => held.has(e.problem))).toBe(false);
    expect(a.trainExamples(100, 5)).toEqual(train.slice(100, 105));
    expect(make().trainExample(123456)).toEqual(a.trainExample(123456)); // resumable: no state needed
    expect(make({ seed: 1 }).trainExample(0).problem).not.toBe(a.trainExample(0).problem);
    expect((await a.load('train', { limit: 3 })).examples.map((e) => e.id)).toEqual([
      'synthetic-arithmetic/train/0',
      'synthetic-arithmetic/train/1',
      'synthetic-arithmetic/train/2',
    ]);
  });

  it('examples carry numbered steps, titles and the gold answer; instances build for every kind', () => {
    const example = make().trainExample(0);
    expect(example.steps).toHaveLength(4);
    expect(example.stepTitles?.[3]).toBe('State the result');
    const srl = make().instances(example, 'srl');
    expect(srl.map((i) => i.step?.index)).toEqual([1, 2, 3, 4]);
    expect(srl[3].reference).toBe(`4. **State the result** The result is $\\boxed{${example.answer}}$.`);
    expect(make().instances(example, 'rlvr')[0].reference).toBe(example.answer);
  });

  it('refuses a difficulty too small for its held-out sizes, and unknown splits', async () => {
    const tiny = make({ steps: 1, digits: 1, operations: ['add'], testSize: 100 });
    const error = await tiny.load('test').catch((e: unknown) => e);
    expect(isSrlError(error) && error.message).toMatch(/cannot find 100 distinct test problems/);
    await expect(make().load('dev')).rejects.toThrow(/no split "dev"/);
  });
});
