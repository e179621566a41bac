import { REWARD_SPEC_VERSION, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';

export interface GateRule {
  /** at-least: the gate passes when its reward is >= threshold. applies: when its reward is not null. */
  when: 'at-least' | 'applies';
  threshold: number;
}

/**
 * A gate reward decides, per sample, which reward counts: e.g. a format gate, then similarity;
 * or an outcome reward with a fallback when it does not apply. Only the rewards needed are
 * scored, each once per batch.
 */
export class GatedReward implements RewardModel {
  readonly specVersion = REWARD_SPEC_VERSION;
  readonly name = 'gated';

  constructor(
    private readonly gate: RewardModel,
    private readonly rule: GateRule,
    /** Reward when the gate passes; null: the gate's own reward. */
    private readonly then: RewardModel | null,
    /** When the gate fails: another reward, a constant, or null (does not apply). */
    private readonly otherwise: RewardModel | number | null,
  ) {}

  private passes(reward: number | null): boolean {
    return this.rule.when === 'applies' ? reward !== null : reward !== null && reward >= this.rule.threshold;
  }

  async score(inputs: RewardInput[]): Promise<RewardResult[]> {
    const gate = await this.gate.score(inputs);
    const passed = gate.map((g) => this.passes(g.reward));
    const pick = (want: boolean): number[] => passed.flatMap((p, i) => (p === want ? [i] : []));
    const scoreSome = async (model: RewardModel, idx: number[]): Promise<Map<number, RewardResult>> => {
      const results = idx.length ? await model.score(idx.map((i) => inputs[i])) : [];
      return new Map(idx.map((i, j) => [i, results[j]]));
    };
    const thenResults = this.then ? await scoreSome(this.then, pick(true)) : new Map<number, RewardResult>();
    const otherwise = this.otherwise;
    const elseResults = typeof otherwise === 'object' && otherwise !== null ? await scoreSome(otherwise, pick(false)) : new Map<number, RewardResult>();

    return inputs.map((_, i) => {
      const components: Record<string, number | null> = { gate: gate[i].reward, gate_passed: passed[i] ? 1 : 0 };
      for (const [k, v] of Object.entries(gate[i].components)) components[`gate.${k}`] = v;
      let chosen: RewardResult;
      if (passed[i]) chosen = this.then ? thenResults.get(i)! : gate[i];
      else if (typeof otherwise === 'object' && otherwise !== null) chosen = elseResults.get(i)!;
      else chosen = { reward: otherwise, components: {} };
      const branch = passed[i] ? 'then' : 'otherwise';
      for (const [k, v] of Object.entries(chosen.components)) components[`${branch}.${k}`] = v;
      return { reward: chosen.reward, components };
    });
  }

  async dispose(): Promise<void> {
    await this.gate.dispose?.();
    await this.then?.dispose?.();
    if (typeof this.otherwise === 'object' && this.otherwise !== null) await this.otherwise.dispose?.();
  }
}
