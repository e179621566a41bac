import { SrlError } from '@srl/core';

/** A learning-rate schedule as data (so a recipe can hold it). */
export type LrSchedule =
  | { kind: 'constant'; lr: number }
  | {
      kind: 'cosine';
      /** The rate reached at the end of warmup. */
      peak: number;
      /** Linear warmup from peak / warmupSteps (step 0) to peak (step warmupSteps - 1). */
      warmupSteps: number;
      /** Step at which the cosine reaches `min` (and stays). */
      totalSteps: number;
      min?: number;
    };

/**
 * The learning rate at `step` (0-based): constant, or linear warmup then cosine decay to `min` (nanoGPT's
 * get_lr). Pure; throws SrlError('validation') on a malformed schedule or step.
 */
export function learningRateAt(schedule: LrSchedule, step: number): number {
  if (!(Number.isInteger(step) && step >= 0)) throw new SrlError('validation', `learning-rate step ${step}, expected an integer >= 0`);
  if (schedule.kind === 'constant') {
    if (!(schedule.lr >= 0)) throw new SrlError('validation', `constant learning rate ${schedule.lr}, expected >= 0`);
    return schedule.lr;
  }
  const { peak, warmupSteps, totalSteps } = schedule;
  const min = schedule.min ?? 0;
  if (!(peak >= 0 && min >= 0 && min <= peak && Number.isInteger(warmupSteps) && warmupSteps >= 0 && Number.isInteger(totalSteps) && totalSteps > warmupSteps)) {
    throw new SrlError('validation', `cosine schedule ${JSON.stringify(schedule)}: expected 0 <= min <= peak, integer 0 <= warmupSteps < totalSteps`);
  }
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (step >= totalSteps) return min;
  const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
}
