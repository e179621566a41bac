/** Learning-rate schedules as pure functions of the step (0-based). */
export interface LrScheduleSpec {
  kind: 'constant' | 'cosine' | 'linear';
  /** Peak learning rate. */
  lr: number;
  /** Warmup as a fraction of total steps (the paper's SFT uses 0.3) when < 1, or as a step count when >= 1. */
  warmup: number;
  /** Cosine/linear decay floor as a fraction of the peak. */
  minRatio?: number;
}

export function learningRateAt(spec: LrScheduleSpec, step: number, totalSteps: number): number {
  const warmupSteps = spec.warmup < 1 ? Math.round(spec.warmup * totalSteps) : Math.round(spec.warmup);
  if (warmupSteps > 0 && step < warmupSteps) return (spec.lr * (step + 1)) / warmupSteps;
  if (spec.kind === 'constant') return spec.lr;
  const floor = spec.lr * (spec.minRatio ?? 0);
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
  const factor = spec.kind === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return floor + (spec.lr - floor) * factor;
}
