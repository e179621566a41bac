import type { BackendName } from '../backend/select-backend';
import { selectBackend } from '../backend/select-backend';
import { TEST_BACKEND, TEST_BACKENDS } from '../backend/test-backend';
import { selectKernels } from './select-kernels';
import type { KernelSetName, TransformerKernels } from './transformer-kernels';

/** A backend and a kernel set that runs on it. */
export interface KernelCase {
  backend: BackendName;
  kernels: KernelSetName;
  /** "wasm backend, wasm kernels". */
  label: string;
}

const setsOn = (backend: BackendName): KernelSetName[] => (backend === 'cpu' ? ['reference'] : [backend, 'reference']);
const toCase = (backend: BackendName, kernels: KernelSetName): KernelCase => ({ backend, kernels, label: `${backend} backend, ${kernels} kernels` });

/** The kernel sets the policy suite runs on the test backend: the backend's own set and the reference set. */
export const TEST_KERNEL_CASES: readonly KernelCase[] = setsOn(TEST_BACKEND).map((k) => toCase(TEST_BACKEND, k));

/** Every kernel set on every backend a cross-backend test compares (TEST_BACKENDS). */
export const ALL_KERNEL_CASES: readonly KernelCase[] = TEST_BACKENDS.flatMap((b) => setsOn(b).map((k) => toCase(b, k)));

/** Activates the case's backend and returns its kernel set (throws rather than fall back: a test must run what it names). */
export async function useKernelCase(c: KernelCase): Promise<TransformerKernels> {
  await selectBackend({ backend: c.backend });
  const kernels = selectKernels(c.kernels);
  if (kernels.name !== c.kernels) throw new Error(`kernel set ${c.kernels} is not available on ${c.backend}`);
  return kernels;
}
