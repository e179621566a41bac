import type { RewardInput, RewardModel, RewardResult } from '../contracts/reward-model';
import { REWARD_SPEC_VERSION } from '../contracts/reward-model';
import { SrlError } from '../errors';

export interface WeightedReward {
  model: RewardModel;
  weight: number;
  /** Prefix for its components in logs; defaults to the model's name. */
  label?: string;
}

/**
 * Σ wᵢ·rᵢ over the rewards that apply. A null reward (does not apply) is left out of the sum,
 * never counted as 0; the result is null only when no reward applies. Components keep each
 * reward's value (`<label>`) and its own components (`<label>.<component>`).
 */
export class WeightedSumReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name: string;

  constructor(
    private readonly parts: WeightedReward[],
    name = 'weighted-sum',
  ) {
    this.name = name;
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    const scored = await Promise.all(this.parts.map((p) => p.model.score(inputs)));
    return inputs.map((_, i) => {
      let total = 0;
      let applied = 0;
      const components: Record<string, number | null> = {};
      this.parts.forEach((part, j) => {
        const label = part.label ?? part.model.name;
        const result = scored[j][i];
        if (!result) {
          throw new SrlError(
            'plugin',
            `reward "${part.model.name}" returned ${scored[j].length} results for ${inputs.length} inputs; expected one result per input, in order: fix its score() (return { reward: null } for an input it does not apply to)`,
          );
        }
        components[label] = result.reward;
        for (const [key, value] of Object.entries(result.components)) components[`${label}.${key}`] = value;
        if (result.reward !== null) {
          total += part.weight * result.reward;
          applied++;
        }
      });
      return { reward: applied ? total : null, components };
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.model.dispose?.()));
  }
}
