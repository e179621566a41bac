import type { Logger } from '../contracts/logger';
import { isSrlError, SrlError } from '../errors';

/**
 * Runs cleanup steps (dispose a policy, release a lock) after `failure`, if any. A cleanup error
 * never replaces the original error: it is logged as a warning. Without a failure, the first
 * cleanup error is thrown after every step has run.
 */
export async function cleanUp(logger: Logger, failure: unknown, steps: (() => unknown)[]): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      if (failure !== undefined) logger.log('warn', `cleanup after the error failed too (ignored): ${(error as Error)?.message ?? String(error)}`);
      else first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

/** True when `error` (or an error it wraps) is ENOSPC / EDQUOT. */
function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as Error).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || /\bENOSPC\b/.test(String((e as Error).message))) return true;
  }
  return false;
}

/** True for the errors the wasm backend throws when its heap (at most 4 GiB) is exhausted. */
export function isWasmOutOfMemory(error: unknown): boolean {
  const text = `${(error as Error)?.name ?? ''}: ${(error as Error)?.message ?? String(error)}`;
  return /memory access out of bounds|out of memory|Aborted\(OOM\)|Cannot enlarge memory|Array buffer allocation failed|WebAssembly\.Memory/i.test(text);
}

/** The error to report for a failure in `where`: a full disk and wasm memory exhaustion become explained SrlErrors. */
export function explainFailure(error: unknown, where: string, runDir?: string): unknown {
  if (isDiskFull(error)) {
    return new SrlError(
      'runtime',
      `${where}: no space left on the disk that holds ${runDir ?? 'the run folder'} (${(error as Error).message}); free some space, then continue with --resume (the last complete checkpoint is intact)`,
      { cause: error },
    );
  }
  if (isSrlError(error) || !isWasmOutOfMemory(error)) return error;
  return new SrlError(
    'runtime',
    `${where}: the tensor backend ran out of memory (${(error as Error).message}); the wasm heap is capped at 4 GiB. ` +
      'Fix: set a smaller "microBatchSize" on the trainer (e.g. 1 or 2), shorten prompts and completions (maxPromptTokens, maxTokens), or use the tensorflow backend (--backend tensorflow)',
    { cause: error },
  );
}

/** Runs `body`, then the cleanup steps, so that a cleanup error never hides the body's error. */
export async function withCleanup<T>(logger: Logger, body: () => Promise<T>, steps: (() => unknown)[]): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (error) {
    await cleanUp(logger, error, steps);
    throw error;
  }
  await cleanUp(logger, undefined, steps);
  return result;
}
