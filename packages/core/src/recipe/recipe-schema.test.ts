import { describe, expect, it } from 'vitest';
import { validateRecipeStructure } from './load-recipe';

describe('recipe schema', () => {
  it('accepts the shorthand and long forms and fills defaults', () => {
    const { recipe, errors } = validateRecipeStructure({
      policy: ['tfjs-transformer', { preset: 'tiny' }],
      task: 'math/gsm8k',
      rewards: ['step-similarity', { reward: ['math-answer', {}], weight: 0.5 }],
      stages: ['sft', ['srl', { groupSize: 8 }], { trainer: 'rlvr', from: 'best', rewards: ['math-answer'] }],
    });
    expect(errors).toEqual([]);
    expect(recipe.seed).toBe(0);
    expect(recipe.plugins).toEqual([]);
  });

  it('reports every structural problem at once with its path', () => {
    const { errors } = validateRecipeStructure({
      policy: ['tfjs-transformer', { preset: 'tiny' }, 3],
      task: 7,
      seed: 'abc',
      stages: [],
      colour: 'blue',
      rewards: [{ reward: 'x', weight: 'heavy' }],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'colour: unknown key; allowed keys: $schema, name, description, plugins, seed, output, policy, task, rewards, stages, eval',
        'seed: must be integer (found "abc")',
        'policy: must NOT have more than 2 items (found 3 items)',
        'task: must be string,array (found 7)',
        'rewards[0].weight: must be number (found "heavy")',
      ]),
    );
  });
});
