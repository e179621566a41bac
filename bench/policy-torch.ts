// The PyTorch side of bench/policy.ts: the spec bench/policy.py reads (weights, data, settings) and its result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Transformer } from '../packages/policies/src/model/transformer.ts';
import { repoRoot } from './policy-helpers.ts';

/** What bench/policy.py is given besides the weights (policy.py reads the names below). */
export interface TorchSettings {
  config: Transformer['config'];
  threads: number;
  seed: number;
  train: { batch: number; seq: number; warmup: number; iters: number; lr: number; weightDecay: number; maxGradNorm: number; ids: number[] };
  generation: { prompts: number[][]; samples: number; newTokens: number; temperature: number; warmup: number; iters: number };
  /** The product [m, k] x [k, n] both sides time alone. */
  gemm: [number, number, number];
}

/** bench/policy.py's answer (its JSON on stdout). */
export interface TorchResult {
  torch: string;
  threads: number;
  cpu_per_wall: { train: number; generation: number };
  parameters: number;
  gemm: { median_ms: number; gflops: number };
  train: { median_ms: number; forward_ms: number; backward_ms: number; optimizer_ms: number; first_loss: number; first_grad_norm: number };
  generation: { median_ms: number; tokens_per_s: number; prefill_ms: number };
}

/** Writes `model`'s current weights (Hugging Face names, float32) and the spec into a temporary folder. */
export function writeTorchSpec(model: Transformer, settings: TorchSettings): TorchSettings & { dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-bench-policy-'));
  const tensors: { name: string; shape: number[]; offset: number }[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of model.toHuggingFace()) {
    tensors.push({ name, shape: [...t.shape], offset });
    chunks.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    offset += t.data.byteLength;
  }
  writeFileSync(path.join(dir, 'weights.f32'), Buffer.concat(chunks));
  writeFileSync(path.join(dir, 'spec.json'), JSON.stringify({ ...settings, weights: { file: path.join(dir, 'weights.f32'), tensors } }));
  return { ...settings, dir };
}

/**
 * Runs bench/policy.py on the spec under `python` (with `trainOnly`, the train steps alone: `gemm` and
 * `generation` are then null); null (stderr printed) when it fails. `removeTorchSpec` removes the spec's folder.
 */
export function runTorchReference(python: string, spec: { dir: string }, trainOnly = false): TorchResult | null {
  const py = spawnSync(python, [path.join(repoRoot, 'bench/policy.py'), path.join(spec.dir, 'spec.json'), ...(trainOnly ? ['--train-only'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (py.status === 0) return JSON.parse(py.stdout) as TorchResult;
  process.stderr.write(py.stderr || `${python} failed to start: ${py.error?.message}\n`);
  return null;
}

export function removeTorchSpec(spec: { dir: string }): void {
  rmSync(spec.dir, { recursive: true, force: true });
}
