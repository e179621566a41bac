import { fileURLToPath } from 'node:url';
import { checkRewardPlugin } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { tokenF1, tokenF1Plugin } from '../src/index';

describe('srl-plugin-token-f1', () => {
  it('passes the reward conformance suite', async () => {
    const report = await checkRewardPlugin(tokenF1Plugin, {
      inputs: [
        { completion: '<think>halve it</think>Natalia sold 48/2 = 24 clips in May.', reference: 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.' },
        { completion: 'She sold 72 clips.', reference: 'Natalia sold 48+24 = 72 clips altogether.' },
        { completion: 'no reference here' },
      ],
      invalidOptions: { beta: -1 },
    });
    expect(report.failures).toEqual([]);
    expect(report.passed.length).toBeGreaterThanOrEqual(8);
  });

  it('computes token F1 by hand-checked values', () => {
    // pred tokens: the cat sat (3); ref: the cat sat down (4); common 3 -> P = 1, R = 0.75, F1 = 6/7.
    expect(tokenF1('The cat sat.', 'the cat sat down', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBeCloseTo(6 / 7, 15);
    expect(tokenF1('x', 'y', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBe(0);
    expect(tokenF1('', '', { lowercase: true, stripPunctuation: true, beta: 1 }).f).toBe(1);
  });
});

describe('a recipe that names the plugin by package name', () => {
  it('resolves it: the package loads, its reward validates with the recipe options', async () => {
    const { createPluginEnvironment } = await import('@srl/cli');
    const { loadRecipe, pluginRefName } = await import('@srl/core');
    const file = fileURLToPath(new URL('../../custom-reward-recipe/recipe.yaml', import.meta.url));
    const env = await createPluginEnvironment({ discover: false });
    expect(env.registry.has('reward', 'token-f1')).toBe(false);
    const recipe = await loadRecipe(file, env);
    expect(recipe.plugins).toEqual(['srl-plugin-token-f1']);
    expect(env.registry.get('reward', 'token-f1').packageName).toBe('srl-plugin-token-f1');
    const entry = recipe.rewards.find((r) => pluginRefName(r.reward) === 'token-f1')!;
    expect(entry.weight).toBe(0.5);
    expect(entry.reward).toEqual(['token-f1', { beta: 2, lowercase: true, stripPunctuation: true }]);
  });
});
