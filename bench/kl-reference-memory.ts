// Memory of GRPO's KL reference: the frozen, optimizer-free copy (`TrainablePolicy.loadFrozen`, what the runner
// makes now) against a second trainable policy loaded from the same folder (what it made before).
// Run: pnpm bench kl-reference-memory [--preset llama-25m] [--mode both|old|frozen]
// Each mode runs in its own process, so that the wasm heap (which never shrinks) shows each path's peak: the
// figures are tensor bytes held by the reference, and the process's peak RSS growth while it is made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Tf from '@tensorflow/tfjs-core';
import { TfjsTransformerPolicy, type TfjsTransformerPolicyOptions } from '../packages/policies/src/tfjs-transformer-policy.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const tf = createRequire(path.join(repoRoot, 'packages/policies/package.json'))('@tensorflow/tfjs-core') as typeof Tf;
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const preset = arg('preset', 'llama-25m');
const mode = arg('mode', 'both');
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const rssPeak = (): number => process.resourceUsage().maxRSS * 1024;

if (mode === 'both') {
  const rows: string[] = [];
  for (const m of ['old', 'frozen']) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--preset', preset, '--mode', m], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${m}: ${r.stderr}`);
    rows.push(r.stdout.trim().split('\n').pop()!);
  }
  console.log(`KL reference of ${preset} (backend ${process.env.SRL_BACKEND ?? 'auto'}):`);
  for (const row of rows) console.log(`  ${row}`);
} else {
  const options: TfjsTransformerPolicyOptions = {
    preset,
    config: {},
    backend: (process.env.SRL_BACKEND as TfjsTransformerPolicyOptions['backend']) ?? 'auto',
    seed: 1,
    weightDecay: 0.01,
    saveDtype: 'F32',
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'srl-kl-ref-'));
  try {
    const policy = await TfjsTransformerPolicy.create(options);
    await policy.save(path.join(dir, 'reference'));
    const weights = policy.model.parameterCount() * 4;
    const bytesBefore = tf.memory().numBytes;
    const rssBefore = rssPeak();
    let reference: { dispose(): void | Promise<void> };
    if (mode === 'old') {
      const second = await TfjsTransformerPolicy.create(options);
      await second.load(path.join(dir, 'reference'));
      reference = second;
    } else reference = await policy.loadFrozen(path.join(dir, 'reference'));
    const held = tf.memory().numBytes - bytesBefore;
    console.log(
      `${mode === 'old' ? 'second trainable policy' : 'frozen (loadFrozen)     '}: holds ${mb(held)} of tensors (${(held / weights).toFixed(2)}x the weights' ${mb(weights)}), peak RSS +${mb(rssPeak() - rssBefore)}`,
    );
    await reference.dispose();
    policy.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
