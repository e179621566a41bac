import { SrlError } from '@srl/core';
import { BACKEND_NAMES, type BackendName } from './select-backend';

function fromEnv(): BackendName {
  const value = process.env.SRL_BACKEND ?? 'wasm';
  if (!(BACKEND_NAMES as readonly string[]).includes(value))
    throw new SrlError('usage', `SRL_BACKEND="${value}" is not a backend; expected one of ${BACKEND_NAMES.join(', ')}`);
  return value as BackendName;
}

/**
 * The backend the policy tests run on: SRL_BACKEND (the vitest config passes it on; CI runs the policy suite with
 * wasm and again with tensorflow), wasm by default.
 */
export const TEST_BACKEND: BackendName = fromEnv();

/** The backends a cross-backend test compares: wasm and cpu, and the test backend when it is another. */
export const TEST_BACKENDS: readonly BackendName[] = TEST_BACKEND === 'wasm' || TEST_BACKEND === 'cpu' ? ['wasm', 'cpu'] : ['wasm', 'cpu', TEST_BACKEND];
