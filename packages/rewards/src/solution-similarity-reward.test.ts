import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RewardInput } from '@srl/core';
import { checkRewardPlugin } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';
import { plugins } from './plugins';
import { sequenceRatio } from './similarity/sequence-ratio';
import { SolutionSimilarityReward, solutionSimilarityPlugin } from './solution-similarity-reward';
import { StepSimilarityReward } from './step-similarity-reward';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// Whole expert solutions, numbered the way whole-solution instances render them.
const solutions = readFileSync(path.resolve(repoRoot, '../shared/data/gsm8k/train.jsonl'), 'utf8')
  .split('\n', 40)
  .filter(Boolean)
  .map((l) =>
    (JSON.parse(l) as { answer: string }).answer
      .split('\n')
      .map((line, i) => `${i + 1}. ${line}`)
      .join('\n'),
  );
const think = (text: string): string => `<think>\nplan the whole solution\n</think>\n${text}`;

describe('solution-similarity reward', () => {
  it('passes the RewardModel conformance suite and is registered in plugins', async () => {
    expect(plugins).toContain(solutionSimilarityPlugin);
    const inputs: RewardInput[] = [
      { completion: think(solutions[0]), reference: solutions[0] },
      { completion: think(solutions[1]), reference: solutions[0] },
      { completion: solutions[0], reference: solutions[0] },
    ];
    const report = await checkRewardPlugin(solutionSimilarityPlugin, { inputs, invalidOptions: { singleStep: 'no' } });
    expect(report.failures).toEqual([]);
  });

  it('is difflib ratio(model solution, expert solution) over the whole text after </think>, many steps allowed', async () => {
    const inputs = solutions.flatMap((expert, n) =>
      [expert, solutions[(n + 1) % solutions.length], expert.replace(/\d+/, '7')].map((model) => ({ completion: think(model), reference: expert })),
    );
    const results = await new SolutionSimilarityReward().score(inputs);
    results.forEach((r, n) => {
      const model = inputs[n].completion.slice(inputs[n].completion.indexOf('</think>') + 8).trim();
      expect(r).toEqual({
        reward: sequenceRatio(model, inputs[n].reference),
        components: { similarity: sequenceRatio(model, inputs[n].reference), format_ok: 1 },
      });
    });
    expect(results.filter((_, n) => n % 3 === 0).every((r) => r.reward === 1)).toBe(true);
    // The step reward refuses the same completions as holding more than one step.
    const step = await new StepSimilarityReward().score(inputs.slice(0, 3));
    expect(step.map((r) => r.reward)).toEqual([-1, -1, -1]);
  });

  it('keeps the format rule: no think block scores formatPenalty; autojunk off changes long ratios', async () => {
    const [r] = await new SolutionSimilarityReward().score([{ completion: solutions[2], reference: solutions[2] }]);
    expect(r).toEqual({ reward: -1, components: { similarity: null, format_ok: 0 } });
    const long = solutions.filter((s) => s.length >= 200).map((expert, n, all) => ({ completion: think(all[(n + 1) % all.length]), reference: expert }));
    expect(long.length).toBeGreaterThan(5);
    const on = await new SolutionSimilarityReward().score(long);
    const off = await new SolutionSimilarityReward({ autojunk: false }).score(long);
    off.forEach((x, n) =>
      expect(x.reward).toBe(sequenceRatio(long[n].completion.slice(long[n].completion.indexOf('</think>') + 8).trim(), long[n].reference, { autojunk: false })),
    );
    expect(on.some((x, n) => x.reward !== off[n].reward)).toBe(true);
  });
});
