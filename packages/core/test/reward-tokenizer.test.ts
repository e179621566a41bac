import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, optionalService, PluginRegistry, runRecipe, TokenEncoder, trainerPlugins, type OptionalService, type Recipe } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { BigramPolicy } from './support/bigram-policy';
import { testPlugins } from './support/test-plugins';

describe('stage rewards get the trainable policy tokenizer by injection (inject: { tokenizer: TokenEncoder })', () => {
  it("the stage's container resolves it from the stage policy when it creates the rewards", async () => {
    const seen: (TokenEncoder | undefined)[] = [];
    const tokenCount = definePlugin<'reward', Record<string, never>, { tokenizer: OptionalService<TokenEncoder> }>({
      kind: 'reward',
      name: 'test-token-count',
      optionsSchema: { type: 'object', properties: {} },
      defaults: {},
      inject: { tokenizer: optionalService(TokenEncoder) },
      create: (_options, deps) => {
        seen.push(deps.tokenizer);
        return {
          specVersion: 1 as const,
          name: 'test-token-count',
          score: async (inputs) => inputs.map((i) => ({ reward: deps.tokenizer!.encode(i.completion).length, components: {} })),
        };
      },
    });
    const registry = new PluginRegistry();
    for (const p of [...trainerPlugins, ...testPlugins, tokenCount]) registry.register(p, 'test');
    const { options } = registry.resolve('trainer', ['srl-tiny', { batchSize: 2, groupSize: 2, maxTokens: 4, maxPromptTokens: 512 }], 'trainer');
    const task = registry.resolve('task', ['test/add', { count: 4 }], 'task').options;
    const recipe: Recipe = {
      name: 't',
      file: path.join(tmpdir(), 'recipe.json'),
      plugins: [],
      seed: 1,
      output: 'unused',
      policy: ['bigram', { seed: 1 }],
      task: ['test/add', task],
      rewards: [],
      stages: [
        {
          name: '0-srl',
          trainer: ['srl-tiny', options],
          task: ['test/add', task],
          rewards: [{ reward: 'test-token-count', weight: 1, path: 'stages[0].rewards[0]' }],
          from: 'final',
          path: 'stages[0]',
        },
      ],
    };
    const out = mkdtempSync(path.join(tmpdir(), 'srl-tokenizer-'));
    await runRecipe({ recipe, registry, logger: quietLogger, outDir: out, signal: new AbortController().signal, maxSteps: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.encode('héllo 42')).toEqual(new BigramPolicy(1).tokenize('héllo 42'));

    // A test rebinds the stage's tokenizer; the reward gets that one.
    const words: TokenEncoder = { encode: (text) => text.split(/\s+/).map((w) => w.length) };
    const again = mkdtempSync(path.join(tmpdir(), 'srl-tokenizer-'));
    await runRecipe({
      recipe,
      registry,
      logger: quietLogger,
      outDir: again,
      signal: new AbortController().signal,
      maxSteps: 1,
      configureStage: (stage) => stage.rebind(TokenEncoder).toConstantValue(words),
    });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(words);
  });
});
