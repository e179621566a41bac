import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, selectBackend, type BackendName } from './select-backend';
import { BINDING_PATH } from './setup/build-tfjs-binding';
import { verifyTfjsNode } from './setup/verify-tfjs-node';

export interface BackendStatus {
  backend: BackendName;
  /** The package that provides it. */
  provider: string;
  available: boolean;
  /** What was found: a version and where it loads from, or why it cannot start. */
  detail: string;
  /** How to get it, when it is not available. */
  howToGet?: string;
}

async function nativeStatus(name: string, gpu: boolean): Promise<BackendStatus> {
  const base = { backend: 'tensorflow' as const, provider: name };
  const how = gpu
    ? 'srl setup tensorflow --gpu (on a machine with an NVIDIA GPU and driver)'
    : 'srl setup tensorflow (or npm install @tensorflow/tfjs-node where its download works)';
  let entry: string;
  try {
    entry = realpathSync(createRequire(import.meta.url).resolve(name));
  } catch {
    return { ...base, available: false, detail: 'not installed', howToGet: how };
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  if (!existsSync(path.join(packageDir, BINDING_PATH)) && !existsSync(path.join(packageDir, 'lib', 'napi-v8', 'tfjs_binding.node'))) {
    return {
      ...base,
      available: false,
      detail: `installed at ${packageDir} without its native binding (${BINDING_PATH}): its install script did not run or failed`,
      howToGet: how,
    };
  }
  try {
    const v = await verifyTfjsNode({ fromFile: fileURLToPath(import.meta.url), packageName: name });
    const devices = v.usingGpu
      ? `, uses the GPU${v.gpuDevices.length > 0 ? ` (${v.gpuDevices.join('; ')})` : ''}`
      : gpu
        ? ', no GPU device found: runs on the CPU'
        : '';
    return { ...base, available: true, detail: `TensorFlow ${v.tensorflowVersion} from ${packageDir}, loads in ${v.loadMs} ms${devices}` };
  } catch (error) {
    return { ...base, available: false, detail: (error as Error).message.split('\n').slice(0, 3).join(' '), howToGet: how };
  }
}

async function tfjsStatus(backend: 'wasm' | 'cpu'): Promise<BackendStatus> {
  const provider = backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu';
  const lines: string[] = [];
  try {
    await selectBackend({ backend, log: (m) => lines.push(m) });
    return { backend, provider, available: true, detail: lines.join(' ').replace(/^tfjs backend: /, '') };
  } catch (error) {
    return {
      backend,
      provider,
      available: false,
      detail: (error as Error).message,
      howToGet: `reinstall the project's dependencies (${provider} is a dependency of @srl/policies)`,
    };
  }
}

/**
 * Every backend select-backend can start, in its order of preference, with whether it is available on this machine,
 * why not, and how to get it. Native packages are loaded in a child process; wasm and cpu are started here, and the
 * backend that was active before is active again afterwards.
 */
export async function backendReport(): Promise<BackendStatus[]> {
  const active = (tf.engine().backendName as string | null | undefined) ?? null;
  const statuses: BackendStatus[] = [await nativeStatus('@tensorflow/tfjs-node-gpu', true), await nativeStatus('@tensorflow/tfjs-node', false)];
  for (const name of BACKEND_NAMES) if (name !== 'tensorflow') statuses.push(await tfjsStatus(name));
  if (active !== null && active !== tf.getBackend()) await tf.setBackend(active);
  return statuses;
}
