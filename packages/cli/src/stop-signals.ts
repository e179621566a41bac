import type { Logger } from '@srl/core';

/**
 * Runs `fn` with an AbortSignal that fires on the first SIGINT or SIGTERM: the trainer finishes
 * the step's bookkeeping, saves a checkpoint and returns. A second signal exits at once.
 */
export async function withStopSignals<T>(logger: Logger, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      logger.log('error', `${name} again: exiting without saving`);
      process.exit(130);
    }
    logger.log('warn', `${name}: stopping after saving a checkpoint (send it again to exit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
