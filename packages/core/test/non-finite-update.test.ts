import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryCheckpointStore, SftTrainer, trainerPlugins, PluginRegistry, type Logger } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { BigramPolicy } from './support/bigram-policy';
import { listTask } from './support/test-plugins';

describe('a non-finite loss', () => {
  it('skips the update, is logged, and never reaches a checkpoint', async () => {
    const r = new PluginRegistry();
    for (const p of trainerPlugins) r.register(p, 'test');
    const { options } = r.resolve('trainer', ['sft-tiny', { instances: 'srl', batchSize: 4, lr: 0.05, checkpointEvery: 1 }], 'trainer');
    const policy = new BigramPolicy(1);
    const probe = { promptTokenIds: [10], completionTokenIds: [49, 32, 43] };
    const before = (await policy.score([probe]))[0].logprobs;
    policy.poisonNextStep = true;
    const lines: Record<string, unknown>[] = [];
    const warnings: string[] = [];
    const logger: Logger = { ...quietLogger, metrics: (m) => lines.push(m), log: (level, msg) => level === 'warn' && warnings.push(msg) };
    const out = mkdtempSync(path.join(tmpdir(), 'srl-nan-'));
    const store = new DirectoryCheckpointStore(out);
    const trainer = new SftTrainer(options as never);
    await trainer.run({
      policy,
      task: listTask(4),
      rewards: { specVersion: 1, name: 'none', score: async () => [] },
      logger,
      checkpoints: store,
      signal: new AbortController().signal,
      seed: 0,
      stage: 0,
      outDir: out,
      maxSteps: 1,
    });
    expect(lines[0]).toMatchObject({ step: 1, skipped_update: 1 });
    expect(Number.isNaN(lines[0].loss)).toBe(true);
    expect(warnings.join('\n')).toMatch(/non-finite loss or gradient .* update skipped/);
    // The weights did not move, and the checkpoint holds the unchanged weights.
    expect((await policy.score([probe]))[0].logprobs).toEqual(before);
    const restored = new BigramPolicy(1);
    await restored.load((await store.latest())!.info.dir);
    expect((await restored.score([probe]))[0].logprobs).toEqual(before);
  });
});
