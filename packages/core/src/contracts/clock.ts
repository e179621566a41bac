import type { ServiceIdentifier } from 'inversify';

/**
 * Where time comes from: run.json timestamps and the per-step durations (`time/*`, `tokens/s`) of the metrics.
 * Bound in the application container (the system clock); a test rebinds it to make time fields deterministic.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the epoch (timestamps). */
  now(): number;
  /** A monotonic high-resolution time in milliseconds (durations: only differences mean anything). */
  monotonic(): number;
}
export const Clock: ServiceIdentifier<Clock> = Symbol.for('@srl/core/Clock');

/** The process's clock: `Date.now()` and `performance.now()`. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now(), monotonic: () => performance.now() });
