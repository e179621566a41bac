export { weightedSumPlugin, type WeightedSumOptions } from './weighted-sum-plugin';
export { gatedPlugin, type GatedOptions } from './gated-plugin';
export { GatedReward, type GateRule } from './gated-reward';
