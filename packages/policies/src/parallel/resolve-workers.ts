import { availableParallelism } from 'node:os';
import { SrlError } from '@srl/core';
import type { BackendName } from '../backend/select-backend';

/**
 * The policy's `workers` option as a thread count: a given integer as is, 'auto' the available cores on the
 * single-threaded backends (wasm, cpu) and 1 on tensorflow, whose kernels use every core already. Default 1.
 */
export function resolveWorkers(workers: number | 'auto' | undefined, backend: BackendName): number {
  if (workers === undefined) return 1;
  if (workers === 'auto') return backend === 'tensorflow' ? 1 : Math.max(1, availableParallelism());
  if (!(Number.isInteger(workers) && workers >= 1)) throw new SrlError('validation', `workers ${workers}, expected an integer >= 1 or 'auto'`);
  return workers;
}
