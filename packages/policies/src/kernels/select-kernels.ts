import { SrlError } from '@srl/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { referenceKernels } from './reference-kernels';
import { tensorflowKernels } from './tensorflow-kernels';
import type { KernelSetName, TransformerKernels } from './transformer-kernels';
import { wasmKernels } from './wasm-kernels';

export type KernelChoice = KernelSetName | 'auto';
export const KERNEL_CHOICES: readonly KernelChoice[] = ['auto', 'reference', 'wasm', 'tensorflow'];

let warned = false;

/**
 * The kernel set for a model created now, on the active backend. 'auto': the wasm set on wasm, the tensorflow
 * set on tensorflow, else the reference set. 'wasm' and 'tensorflow' insist (SrlError on another backend).
 * 'auto' and 'wasm' on a wasm backend whose internals are not what the wasm set expects (another
 * tfjs-backend-wasm version) fall back to the reference set, logging one warning per process: same results,
 * slower. `probe` is for tests.
 */
export function selectKernels(
  choice: KernelChoice = 'auto',
  log: (message: string) => void = (m) => console.warn(m),
  probe: () => ReturnType<typeof wasmKernels> = wasmKernels,
): TransformerKernels {
  if (!(KERNEL_CHOICES as readonly string[]).includes(choice))
    throw new SrlError('validation', `kernels "${choice}" is not a kernel set; expected one of ${KERNEL_CHOICES.join(', ')}`);
  if (choice === 'reference') return referenceKernels;
  if (tf.getBackend() === 'tensorflow' && (choice === 'auto' || choice === 'tensorflow')) return tensorflowKernels;
  if (choice === 'tensorflow')
    throw new SrlError(
      'validation',
      `kernels "tensorflow" needs the tensorflow backend, but the active tfjs backend is ${tf.getBackend()}; use backend: tensorflow, or kernels: auto or reference`,
    );
  const wasm = probe();
  if (!('unavailable' in wasm)) return wasm;
  if (wasm.wrongBackend && choice === 'wasm') {
    throw new SrlError('validation', `kernels "wasm" needs the wasm backend, but ${wasm.unavailable}; use backend: wasm, or kernels: auto or reference`);
  }
  if (!wasm.wrongBackend && !warned) {
    warned = true;
    log(`srl: the fast wasm kernels are off (${wasm.unavailable}); using the reference kernels: same results, slower`);
  }
  return referenceKernels;
}
