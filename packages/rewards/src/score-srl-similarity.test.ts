import { describe, expect, it } from 'vitest';
import { parseSrlOutput } from './parsing/parse-srl-output';
import { RougeLReward } from './rouge-l-reward';
import { SolutionSimilarityReward } from './solution-similarity-reward';
import { StepSimilarityReward } from './step-similarity-reward';
import { TokenEditSimilarityReward } from './token-edit-similarity-reward';

const step = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.';
// One completion per format rule outcome (valid ones and each format error the parser reports).
const completions = [
  `<think>halve 48</think>\n${step}`,
  `<think>halve 48</think><solution>${step}</solution>`,
  step,
  `intro <think>x</think>${step}`,
  `<think>never closed ${step}`,
  `<think>a<think>b</think>${step}`,
  `<think>a</think>${step}<think>again</think>`,
  `<think>a</think><solution>${step}`,
  '<think>a</think>   ',
  `<think>a</think>${step}\n2. Natalia sold 72 clips.`,
];

describe('every similarity reward reads completions with the one SRL output parser', () => {
  it('gives the same format verdict and penalty as step-similarity, for default and custom rules', async () => {
    for (const rules of [{}, { formatPenalty: -0.5, requireThink: false, solutionWrapper: 'forbidden' as const }, { singleStep: false }]) {
      const rewards = [
        new StepSimilarityReward(rules),
        new TokenEditSimilarityReward(rules),
        new RougeLReward(rules),
        new SolutionSimilarityReward({ singleStep: true, ...rules }),
      ];
      const inputs = completions.map((completion) => ({ completion, reference: step }));
      const verdicts = completions.map((c) => parseSrlOutput(c, rules).ok);
      expect(verdicts.filter((ok) => !ok).length).toBeGreaterThanOrEqual(5);
      for (const reward of rewards) {
        const results = await reward.score(inputs);
        results.forEach((r, n) => {
          expect(r.components.format_ok, `${reward.name} on ${JSON.stringify(completions[n])}`).toBe(verdicts[n] ? 1 : 0);
          if (verdicts[n]) expect(r.components.similarity).toBe(r.reward);
          else expect(r).toMatchObject({ reward: 'formatPenalty' in rules ? rules.formatPenalty : -1, components: { similarity: null } });
        });
        // A well-formed copy of the expert step scores exactly 1.
        expect(results[0].reward).toBe(1);
      }
    }
  });

  it('refuses a missing reference by default, naming the reward and the row; scores it null when asked', async () => {
    const inputs = [{ completion: `<think>a</think>${step}` }];
    for (const reward of [new TokenEditSimilarityReward(), new RougeLReward(), new SolutionSimilarityReward()]) {
      await expect(reward.score(inputs)).rejects.toThrow(new RegExp(`^${reward.name}: row 0 has no reference`));
    }
    const [edit] = await new TokenEditSimilarityReward({ missingReference: 'null' }).score(inputs);
    expect(edit).toEqual({ reward: null, components: { similarity: null, format_ok: 1, distance: null, reference_missing: 1 } });
    const [rouge] = await new RougeLReward({ missingReference: 'null' }).score(inputs);
    expect(rouge).toEqual({ reward: null, components: { similarity: null, format_ok: 1, precision: null, recall: null, reference_missing: 1 } });
  });
});
