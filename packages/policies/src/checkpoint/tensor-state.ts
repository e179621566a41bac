/**
 * Resumable training state beside a checkpoint: named float32 tensors (optimizer moments, ...) in
 * `<name>.safetensors` (F32, bit-exact) plus JSON state (step, learning rate, RNG state, ...) in `<name>.json`.
 * Write both inside the same atomic folder save (`saveHfCheckpoint`'s `optimizerState`, or a CheckpointStore's
 * temp folder) so they always match; each file on its own is also written atomically.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { writeFileAtomic } from './atomic-write';
import { readSafetensorsWithMetadata, writeSafetensors, type SafetensorsTensor } from './safetensors';
import { readJsonObject } from './read-json-object';

export interface TensorStateInput {
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }> | Readonly<Record<string, { shape: readonly number[]; data: Float32Array }>>;
  /** JSON-serialisable; non-finite numbers are refused (JSON would turn them into null). */
  state: Record<string, unknown>;
}

export interface TensorState {
  tensors: Map<string, SafetensorsTensor>;
  state: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new SrlError('validation', `tensor state name ${JSON.stringify(name)} must match ${NAME}`);
}

/** Write `<dir>/<name>.safetensors` and `<dir>/<name>.json` (default name 'optimizer'). */
export function writeTensorState(dir: string, input: TensorStateInput, name = 'optimizer'): void {
  checkName(name);
  const json = JSON.stringify(
    input.state,
    (key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new SrlError('validation', `${name} state "${key}" is ${value}; JSON cannot hold it`);
      if (typeof value === 'bigint' || typeof value === 'function')
        throw new SrlError('validation', `${name} state "${key}" is a ${typeof value}; expected JSON data`);
      return value;
    },
    2,
  );
  const entries = input.tensors instanceof Map ? [...input.tensors.entries()] : Object.entries(input.tensors);
  const tensors = new Map(entries.map(([k, t]) => [k, { shape: t.shape, data: t.data, dtype: 'F32' as const }]));
  writeSafetensors(path.join(dir, `${name}.safetensors`), tensors, { metadata: { format: 'srl', kind: name } });
  writeFileAtomic(path.join(dir, `${name}.json`), `${json}\n`);
}

/** Read what `writeTensorState` wrote, or null when `<dir>/<name>.json` is absent. */
export function readTensorState(dir: string, name = 'optimizer'): TensorState | null {
  checkName(name);
  const jsonFile = path.join(dir, `${name}.json`);
  const tensorFile = path.join(dir, `${name}.safetensors`);
  if (!existsSync(jsonFile)) return null;
  if (!existsSync(tensorFile)) throw new SrlError('validation', `${jsonFile} exists but ${tensorFile} is missing`);
  const state = readJsonObject(jsonFile);
  return { tensors: readSafetensorsWithMetadata(tensorFile).tensors, state };
}
