import { bindService, isSrlError, PluginRegistry, TokenEncoder, type RewardInput } from '@srl/core';
import { checkRewardPlugin, quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { gsm8kSteps, uniformSource, referenceEditSimilarity, referenceLevenshtein } from '../test/support/reference-similarity';
import { plugins } from './plugins';
import { similarityTokens } from './similarity/similarity-tokens';
import { TokenEditSimilarityReward, tokenEditSimilarityPlugin } from './token-edit-similarity-reward';

const think = (step: string): string => `<think>\nwork it out\n</think>\n${step}`;
/** A stand-in for a policy tokenizer: UTF-8 bytes. */
const bytes = { encode: (text: string): number[] => Array.from(Buffer.from(text, 'utf8')) };

function pairs(count: number): RewardInput[] {
  const rand = uniformSource(21);
  return Array.from({ length: count }, () => {
    const reference = gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)];
    const model = rand() < 0.5 ? gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)] : reference.replace(/ (\w+) /, ' the $1 ');
    return { completion: think(model), reference };
  });
}
const action = (input: RewardInput): string => input.completion.slice(input.completion.indexOf('</think>') + 8).trim();

describe('token-edit-similarity reward', () => {
  it('passes the RewardModel conformance suite and is registered in plugins', async () => {
    expect(plugins).toContain(tokenEditSimilarityPlugin);
    const report = await checkRewardPlugin(tokenEditSimilarityPlugin, {
      inputs: pairs(4).concat({ completion: 'no think', reference: 'x' }),
      invalidOptions: { tokens: 'sentences' },
    });
    expect(report.failures).toEqual([]);
  });

  it('equals the full-table reference over words, characters and policy tokens on real GSM8K steps', async () => {
    const inputs = pairs(300);
    const registry = new PluginRegistry();
    registry.register(tokenEditSimilarityPlugin, 'test');
    // The tokenizer reaches the plugin by injection (inject: { tokenizer: TokenEncoder }), as a stage binds it.
    bindService(registry.container, TokenEncoder, bytes);
    const deps = { logger: quietLogger, baseDir: process.cwd() };
    const tokenize = {
      words: (t: string) => similarityTokens(t, 'words'),
      characters: (t: string) => similarityTokens(t, 'characters'),
      policy: (t: string) => bytes.encode(t),
    };
    for (const tokens of ['words', 'characters', 'policy'] as const) {
      const model = await registry.create('reward', ['token-edit-similarity', { tokens }], deps);
      const results = await model.score(inputs);
      results.forEach((r, n) => {
        const [a, b] = [tokenize[tokens](action(inputs[n])), tokenize[tokens](inputs[n].reference!)];
        expect(r.reward, `${tokens} pair ${n}`).toBe(referenceEditSimilarity(a, b));
        expect(r.components).toEqual({ similarity: r.reward, format_ok: 1, distance: referenceLevenshtein(a, b) });
      });
      expect(new Set(results.map((r) => r.reward)).size).toBeGreaterThan(50);
    }
  });

  it('scores a paraphrase of one word as one edit: 1 - 1/n', async () => {
    const [r] = await new TokenEditSimilarityReward().score([{ completion: think('She sold 24 clips in May.'), reference: 'Natalia sold 24 clips in May.' }]);
    expect(r.reward).toBe(1 - 1 / 7);
    const [lower] = await new TokenEditSimilarityReward({ lowercase: true }).score([
      { completion: think('natalia SOLD 24 clips in may.'), reference: 'Natalia sold 24 clips in May.' },
    ]);
    expect(lower.reward).toBe(1);
  });

  it('refuses tokens: "policy" without a policy tokenizer, saying it needs a policy', async () => {
    const registry = new PluginRegistry();
    registry.register(tokenEditSimilarityPlugin, 'test');
    const error = await registry
      .create('reward', ['token-edit-similarity', { tokens: 'policy' }], { logger: quietLogger, baseDir: '.' })
      .catch((e: unknown) => e);
    expect(isSrlError(error) && error.kind).toBe('validation');
    expect((error as Error).message).toMatch(/token-edit-similarity: tokens: "policy" needs a policy's tokenizer/);
  });
});
