import { bindService, isSrlError, PluginRegistry, TokenEncoder, type RewardInput } from '@srl/core';
import { checkRewardPlugin, quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { gsm8kSteps, uniformSource, referenceLcs, referenceRougeL } from '../test/support/reference-similarity';
import { plugins } from './plugins';
import { RougeLReward, rougeLPlugin } from './rouge-l-reward';
import { similarityTokens } from './similarity/similarity-tokens';

const think = (step: string): string => `<think>\nwork it out\n</think>\n${step}`;
/** A stand-in for a policy tokenizer: UTF-8 bytes. */
const bytes = { encode: (text: string): number[] => Array.from(Buffer.from(text, 'utf8')) };

function pairs(count: number): RewardInput[] {
  const rand = uniformSource(22);
  return Array.from({ length: count }, () => {
    const reference = gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)];
    const model = rand() < 0.5 ? gsm8kSteps[Math.floor(rand() * gsm8kSteps.length)] : reference.replace(/ (\w+) /, ' so $1 ');
    return { completion: think(model), reference };
  });
}
const action = (input: RewardInput): string => input.completion.slice(input.completion.indexOf('</think>') + 8).trim();

describe('rouge-l reward', () => {
  it('passes the RewardModel conformance suite and is registered in plugins', async () => {
    expect(plugins).toContain(rougeLPlugin);
    const report = await checkRewardPlugin(rougeLPlugin, { inputs: pairs(4).concat({ completion: 'no think', reference: 'x' }), invalidOptions: { beta: 0 } });
    expect(report.failures).toEqual([]);
  });

  it('equals the full-table reference over words, characters and policy tokens, at several β, on real GSM8K steps', async () => {
    const inputs = pairs(300);
    const registry = new PluginRegistry();
    registry.register(rougeLPlugin, 'test');
    // The tokenizer reaches the plugin by injection (inject: { tokenizer: TokenEncoder }), as a stage binds it.
    bindService(registry.container, TokenEncoder, bytes);
    const deps = { logger: quietLogger, baseDir: process.cwd() };
    const tokenize = {
      words: (t: string) => similarityTokens(t, 'words'),
      characters: (t: string) => similarityTokens(t, 'characters'),
      policy: (t: string) => bytes.encode(t),
    };
    for (const [tokens, beta] of [
      ['words', 1],
      ['words', 2],
      ['characters', 1],
      ['policy', 0.5],
    ] as const) {
      const model = await registry.create('reward', ['rouge-l', { tokens, beta }], deps);
      const results = await model.score(inputs);
      results.forEach((r, n) => {
        const [a, b] = [tokenize[tokens](action(inputs[n])), tokenize[tokens](inputs[n].reference!)];
        const lcs = referenceLcs(a, b);
        expect(r.reward, `${tokens} β=${beta} pair ${n}`).toBe(referenceRougeL(a, b, beta));
        expect(r.components).toEqual({ similarity: r.reward, format_ok: 1, precision: lcs / a.length, recall: lcs / b.length });
      });
      expect(new Set(results.map((r) => r.reward)).size).toBeGreaterThan(50);
    }
  });

  it('weighs recall with β: a model step that drops words keeps precision 1', async () => {
    const input = { completion: think('Natalia sold 24 clips.'), reference: 'Natalia sold 48/2 = 24 clips in May.' };
    const [f1] = await new RougeLReward().score([input]);
    const [f3] = await new RougeLReward({ beta: 3 }).score([input]);
    // 5 of the model's 5 tokens, 5 of the expert's 11: P = 1, R = 5/11.
    expect(f1.components).toMatchObject({ precision: 1, recall: 5 / 11 });
    expect(f1.reward).toBe((2 * (5 / 11)) / (5 / 11 + 1));
    expect(f3.reward!).toBeLessThan(f1.reward!);
  });

  it('refuses tokens: "policy" without a policy tokenizer, saying it needs a policy', async () => {
    const error = (() => {
      try {
        return new RougeLReward({ tokens: 'policy' });
      } catch (e) {
        return e;
      }
    })();
    expect(isSrlError(error) && error.kind).toBe('validation');
    expect((error as Error).message).toMatch(/rouge-l: tokens: "policy" needs a policy's tokenizer/);
  });
});
