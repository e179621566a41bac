import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverridePath } from './apply-overrides';

const recipe = () => ({
  name: 'r',
  seed: 0,
  policy: 'tfjs-transformer',
  stages: [['sft-tiny', { lr: 0.003 }], { name: 'srl', trainer: ['srl-tiny', { groupSize: 8 }] }, 'rlvr-tiny'],
});

describe('applyOverrides (--set)', () => {
  it('parses paths with keys and indices', () => {
    expect(parseOverridePath('stages[1].options.lr')).toEqual(['stages', 1, 'options', 'lr']);
    expect(() => parseOverridePath('stages[x]')).toThrow(/not a recipe path/);
  });

  it('sets options of [name, options] stages, object stages, and bare-name references', () => {
    const out = applyOverrides(recipe(), [
      'stages[0].options.lr=1e-4',
      'stages[1].options.groupSize=4',
      'stages[2].options.epochs=0.5',
      'policy.options.backend=cpu',
      'seed=7',
    ]) as ReturnType<typeof recipe>;
    expect(out.stages[0]).toEqual(['sft-tiny', { lr: 1e-4 }]);
    expect(out.stages[1]).toEqual({ name: 'srl', trainer: ['srl-tiny', { groupSize: 4 }] });
    expect(out.stages[2]).toEqual(['rlvr-tiny', { epochs: 0.5 }]);
    expect(out.policy).toEqual(['tfjs-transformer', { backend: 'cpu' }]);
    expect(out.seed).toBe(7);
  });

  it('parses values as YAML and leaves the input untouched', () => {
    const input = recipe();
    const out = applyOverrides(input, ['rewards=[math-answer, {reward: step-similarity, weight: 0.5}]', 'name=run two']) as Record<string, unknown>;
    expect(out.rewards).toEqual(['math-answer', { reward: 'step-similarity', weight: 0.5 }]);
    expect(out.name).toBe('run two');
    expect(input).toEqual(recipe());
  });

  it('refuses malformed overrides with the path', () => {
    expect(() => applyOverrides(recipe(), ['seed'])).toThrow(/must be path=value/);
    expect(() => applyOverrides(recipe(), ['seed.x=1'])).toThrow(/seed is 0, which has no fields/);
    expect(() => applyOverrides(recipe(), ['stages[9].options.lr=1'])).toThrow(/out of range/);
  });
});
