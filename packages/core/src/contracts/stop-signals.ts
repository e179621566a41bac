import type { ServiceIdentifier } from 'inversify';

/**
 * The stop request of the invocation: aborted on SIGINT/SIGTERM (the CLI's `withStopSignals`), when the trainer
 * saves a checkpoint and returns. Bound in the application container; a test binds its own controller's signal.
 */
export interface StopSignals {
  readonly signal: AbortSignal;
}
export const StopSignals: ServiceIdentifier<StopSignals> = Symbol.for('@srl/core/StopSignals');

/** Stop signals that never fire (commands that are not stopped by a signal, tests). */
export function noStopSignals(): StopSignals {
  return { signal: new AbortController().signal };
}
