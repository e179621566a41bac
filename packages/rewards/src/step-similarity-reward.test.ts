import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSrlError, PluginRegistry, type RewardInput } from '@srl/core';
import { checkRewardPlugin, quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { plugins } from './plugins';
import { sequenceRatio } from './similarity/sequence-ratio';
import { StepSimilarityReward, stepSimilarityPlugin } from './step-similarity-reward';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const read = (rel: string): string => readFileSync(path.resolve(repoRoot, '../shared/data', rel), 'utf8');

interface OracleCase {
  a: string;
  b: string;
  autojunk: boolean;
  kind: string;
  cpython_3_11_7: { ratio: number };
}
const oracle = read('conformance/difflib/oracle_cases.jsonl')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as OracleCase);

// Real GSM8K steps: one solution's lines are the expert steps.
const gsm8k = read('gsm8k/train.jsonl')
  .split('\n', 3)
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { answer: string });
const steps = gsm8k[0].answer.split('\n');

const think = (step: string): string => `<think>\nThe next step halves 48.\n</think>\n${step}`;

async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('step-similarity reward', () => {
  it('passes the RewardModel conformance suite and is registered in plugins', async () => {
    expect(plugins).toContain(stepSimilarityPlugin);
    const inputs: RewardInput[] = [
      { completion: think(steps[0]), reference: steps[0] },
      { completion: think(steps[1]), reference: steps[0] },
      { completion: 'no think block', reference: steps[1] },
      { completion: think('Natalia sold 24 clips.'), reference: steps[0] },
    ];
    const report = await checkRewardPlugin(stepSimilarityPlugin, { inputs, invalidOptions: { order: 'sideways' } });
    expect(report.failures).toEqual([]);
  });

  it('equals CPython ratio(model, expert) on every oracle pair, in both formats', async () => {
    const plain = await new StepSimilarityReward({ format: 'plain' }).score(oracle.map((c) => ({ completion: c.a, reference: c.b })));
    plain.forEach((r, n) => {
      expect(r.reward).toBe(oracle[n].cpython_3_11_7.ratio);
      expect(r.components).toEqual({ similarity: oracle[n].cpython_3_11_7.ratio, format_ok: 1 });
    });
    // think-then-step trims the step, so take the pairs whose model side has nothing to trim.
    const clean = oracle.filter((c) => c.a.trim() === c.a && c.a !== '');
    expect(clean.length).toBe(130);
    const parsed = await new StepSimilarityReward({ singleStep: false }).score(clean.map((c) => ({ completion: think(c.a), reference: c.b })));
    parsed.forEach((r, n) => expect(r.reward).toBe(clean[n].cpython_3_11_7.ratio));
  });

  it('honours autojunk: false (CPython test_one_insert_homogenous_sequence)', async () => {
    const upstream = read('conformance/difflib/upstream_sequencematcher_cases.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { source_test: string; a: string; b: string; cpython_3_11_7: { ratio: number } });
    const pick = (name: string) => upstream.find((c) => c.source_test === `TestAutojunk.test_one_insert_homogenous_sequence#${name}`)!;
    const [withJunk, without] = [pick('autojunk'), pick('no_autojunk')];
    const [on] = await new StepSimilarityReward({ format: 'plain' }).score([{ completion: withJunk.a, reference: withJunk.b }]);
    const [off] = await new StepSimilarityReward({ format: 'plain', autojunk: false }).score([{ completion: without.a, reference: without.b }]);
    expect(on.reward).toBe(withJunk.cpython_3_11_7.ratio);
    expect(off.reward).toBe(without.cpython_3_11_7.ratio);
    expect(on.reward).not.toBe(off.reward);
  });

  it('expert-first computes SequenceMatcher(None, expert, model), a different number when autojunk bites', async () => {
    // Pairs where exactly one side has 200+ code points: autojunk applies to one order only.
    const asym = oracle.filter((c) => c.a.length >= 200 !== c.b.length >= 200);
    expect(asym.length).toBeGreaterThan(5);
    const inputs = asym.map((c) => ({ completion: c.b, reference: c.a }));
    const expertFirst = await new StepSimilarityReward({ format: 'plain', order: 'expert-first' }).score(inputs);
    expertFirst.forEach((r, n) => expect(r.reward).toBe(asym[n].cpython_3_11_7.ratio));
    const modelFirst = await new StepSimilarityReward({ format: 'plain' }).score(inputs);
    expect(modelFirst.filter((r, n) => r.reward !== expertFirst[n].reward).length).toBeGreaterThan(0);
  });

  it('scores a format error with formatPenalty and no similarity', async () => {
    const inputs = [
      { completion: `${steps[0]}`, reference: steps[0] },
      { completion: think(`${steps[0]}\n2. ${steps[1]}`), reference: steps[0] },
    ];
    const results = await new StepSimilarityReward().score(inputs);
    expect(results).toEqual([
      { reward: -1, components: { similarity: null, format_ok: 0 } },
      { reward: -1, components: { similarity: null, format_ok: 0 } },
    ]);
    const [custom] = await new StepSimilarityReward({ formatPenalty: -0.5 }).score(inputs.slice(0, 1));
    expect(custom.reward).toBe(-0.5);
    // The same text is fine when the format rules allow it.
    const [lenient] = await new StepSimilarityReward({ requireThink: false }).score(inputs.slice(0, 1));
    expect(lenient).toEqual({ reward: 1, components: { similarity: 1, format_ok: 1 } });
  });

  it('plain format uses the completion untouched; normalizeWhitespace collapses whitespace on both sides', async () => {
    const input = { completion: '  48/2 = 24\n', reference: '48/2 =  24' };
    const [plain] = await new StepSimilarityReward({ format: 'plain' }).score([input]);
    expect(plain.reward).toBe(sequenceRatio('  48/2 = 24\n', '48/2 =  24'));
    expect(plain.reward).toBeLessThan(1);
    const [normalized] = await new StepSimilarityReward({ format: 'plain', normalizeWhitespace: true }).score([input]);
    expect(normalized.reward).toBe(1);
  });

  it('reuses one expert index per reference across a group and matches one-off ratios', async () => {
    const rollouts = steps.flatMap((s) => [think(s), think(`${s} So the answer follows.`), think('Natalia sold 48/2 = 24 clips in May.')]);
    const inputs = rollouts.flatMap((completion) => steps.map((reference) => ({ completion, reference })));
    const results = await new StepSimilarityReward().score(inputs);
    results.forEach((r, n) => {
      const action = inputs[n].completion.slice(inputs[n].completion.indexOf('</think>') + 8).trim();
      expect(r.reward).toBe(sequenceRatio(action, inputs[n].reference));
    });
  });

  it('refuses a row without a reference by default, naming the row; scores it null when asked', async () => {
    const inputs = [{ completion: think(steps[0]), reference: steps[0] }, { completion: think(steps[0]) }];
    const error = await rejection(() => new StepSimilarityReward().score(inputs));
    expect(isSrlError(error) && error.kind).toBe('validation');
    expect((error as Error).message).toMatch(/row 1 has no reference/);
    const results = await new StepSimilarityReward({ missingReference: 'null' }).score(inputs);
    expect(results[1]).toEqual({ reward: null, components: { similarity: null, format_ok: 1, reference_missing: 1 } });
    expect(results[0].reward).toBe(1);
    const bad = await rejection(() => new StepSimilarityReward().score([{ completion: 42 as unknown as string, reference: 'x' }]));
    expect((bad as Error).message).toMatch(/row 0: completion must be a string, got number 42/);
  });

  it('is created through the registry with defaults merged, and validates its options', async () => {
    const registry = new PluginRegistry();
    registry.register(stepSimilarityPlugin, 'test');
    const deps = { logger: quietLogger, baseDir: process.cwd() };
    const model = await registry.create('reward', ['step-similarity', { autojunk: false }], deps);
    const [r] = await model.score([{ completion: think(steps[1]), reference: steps[1] }]);
    expect(r.reward).toBe(1);
    expect(registry.resolve('reward', ['step-similarity', { format: 'xml' }], 'options').errors.length).toBeGreaterThan(0);
    expect(() => new StepSimilarityReward({ stepHeaderPattern: '(' })).toThrow(/not a valid regular expression/);
  });
});
