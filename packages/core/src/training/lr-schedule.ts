/** Learning-rate schedules as pure functions of the step (0-based). */
export interface LrScheduleSpec {
  kind: 'constant' | 'cosine' | 'linear';
  /** Peak learning rate. */
  lr: number;
  /** Warmup as a fraction of total steps (the paper's SFT uses 0.3) when < 1, or as a step count when >= 1. */
  warmup: number;
  /**
   * `srl` (default): W = round(warmup × total) (or round(warmup)), and step s < W gets lr × (s + 1) / W, so the
   * first step already learns. `hf`: Hugging Face's `get_*_schedule_with_warmup` with TrainingArguments' rounding
   * (TRL, and so verl's HF-style schedules): W = ceil(warmup × total) (or the count), step s < W gets lr × s / W,
   * so the first step has lr 0. Both then decay from the peak at step W.
   */
  warmupStyle?: WarmupStyle;
  /** Cosine/linear decay floor as a fraction of the peak. */
  minRatio?: number;
}

export type WarmupStyle = 'srl' | 'hf';

/** The number of warmup steps of a schedule over `totalSteps` steps. */
export function warmupSteps(spec: Pick<LrScheduleSpec, 'warmup' | 'warmupStyle'>, totalSteps: number): number {
  if (spec.warmupStyle === 'hf') return spec.warmup < 1 ? Math.ceil(spec.warmup * totalSteps) : Math.floor(spec.warmup);
  return spec.warmup < 1 ? Math.round(spec.warmup * totalSteps) : Math.round(spec.warmup);
}

export function learningRateAt(spec: LrScheduleSpec, step: number, totalSteps: number): number {
  const w = warmupSteps(spec, totalSteps);
  if (w > 0 && step < w) return spec.warmupStyle === 'hf' ? (spec.lr * step) / w : (spec.lr * (step + 1)) / w;
  if (spec.kind === 'constant') return spec.lr;
  const floor = spec.lr * (spec.minRatio ?? 0);
  const decaySteps = Math.max(1, totalSteps - w);
  const progress = Math.min(1, Math.max(0, (step - w) / decaySteps));
  const factor = spec.kind === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return floor + (spec.lr - floor) * factor;
}
