/**
 * Picks the TensorFlow.js backend: native TensorFlow (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`,
 * both optional and feature-detected with a dynamic import), then WebAssembly (`@tensorflow/tfjs-backend-wasm`,
 * SIMD when the runtime has it), then the plain JavaScript `cpu` backend. An explicit choice overrides the order.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SrlError } from '@srl/core/base';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface SelectBackendOptions {
  /** 'auto' (default) is SRL_BACKEND when set, else tries tensorflow, wasm, cpu in that order; a name insists on that backend. */
  backend?: BackendName | 'auto';
  /** Receives one line naming the active backend (and why others were skipped). */
  log?: (message: string) => void;
}

/** The native packages, most capable first; neither is a dependency: they are used when a user installs one. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let wasmPathsSet = false;

/** Points the wasm backend at the `.wasm` binaries in its own dist folder (a file path: Node reads it with fs). */
export function configureWasmPaths(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(path.dirname(entry) + path.sep);
  wasmPathsSet = true;
}

/** Tries to load a native package and activate its `tensorflow` backend; returns why it failed, or null. */
async function tryNative(): Promise<string | null> {
  const reasons: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps bundlers and the type checker from resolving a package that is not installed.
      const specifier: string = name;
      await import(specifier);
    } catch (error) {
      reasons.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    // The native package registers its backend with the tfjs-core it imports; it must be this one.
    if (tf.findBackendFactory('tensorflow') === null) {
      reasons.push(`${name} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs-core (version mismatch?)`);
      continue;
    }
    if (await tf.setBackend('tensorflow')) return null;
    reasons.push(`${name}: the 'tensorflow' backend failed to initialise`);
  }
  return reasons.join('; ');
}

async function tryWasm(): Promise<string | null> {
  try {
    configureWasmPaths();
    if (await tf.setBackend('wasm')) return null;
    return "the 'wasm' backend failed to initialise";
  } catch (error) {
    return `wasm: ${(error as Error).message}`;
  }
}

/**
 * Activates a backend and returns its name. Idempotent: when the requested backend (or, for 'auto', any backend
 * this function activated before) is already active, it returns at once. Throws SrlError('runtime') when an
 * explicitly requested backend cannot start.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendName> {
  const wanted = options.backend === undefined || options.backend === 'auto' ? backendFromEnv() : options.backend;
  const log = options.log ?? (() => undefined);
  const current = tf.getBackend() as string | undefined;
  if (wanted !== 'auto' && current === wanted) return wanted;
  if (wanted === 'auto' && autoChoice !== null && current === autoChoice) return autoChoice;

  const skipped: string[] = [];
  const attempts: BackendName[] = wanted === 'auto' ? [...BACKEND_NAMES] : [wanted];
  for (const name of attempts) {
    const failure =
      name === 'tensorflow'
        ? await tryNative()
        : name === 'wasm'
          ? await tryWasm()
          : (await tf.setBackend('cpu'))
            ? null
            : "the 'cpu' backend failed to initialise";
    if (failure === null) {
      await tf.ready();
      const simd =
        name === 'wasm' ? `, SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}` : name === 'tensorflow' ? nativeDevice() : '';
      log(`tfjs backend: ${name}${simd}${skipped.length > 0 ? ` (skipped ${skipped.join('; ')})` : ''}`);
      if (wanted === 'auto') autoChoice = name;
      return name;
    }
    skipped.push(`${name}: ${failure}`);
  }
  throw new SrlError(
    'runtime',
    `cannot start the tfjs backend "${wanted}": ${skipped.join('; ')}. Expected one of ${BACKEND_NAMES.join(', ')} to start; run \`srl setup tensorflow\` (or install @tensorflow/tfjs-node) for "tensorflow"; \`srl doctor\` lists what is available.`,
  );
}

let autoChoice: BackendName | null = null;

/** ", TensorFlow 2.21.0 on the GPU" (or "on the CPU"): what tfjs-node's binding reports. */
function nativeDevice(): string {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean; binding?: { TF_Version?: string } };
  return `, TensorFlow ${backend.binding?.TF_Version ?? '?'} on the ${backend.isUsingGpuDevice ? 'GPU' : 'CPU'}`;
}

/** SRL_BACKEND pins what 'auto' means (the test suite pins wasm, so results do not depend on what is installed). */
function backendFromEnv(): BackendName | 'auto' {
  const value = process.env.SRL_BACKEND;
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(value))
    throw new SrlError('usage', `SRL_BACKEND="${value}" is not a backend; expected auto or one of ${BACKEND_NAMES.join(', ')}`);
  return value as BackendName;
}
