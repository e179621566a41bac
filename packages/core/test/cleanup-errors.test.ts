// Item 9: an error in cleanup (policy.dispose) never replaces the error that stopped the run, and
// wasm memory exhaustion is reported as such, with the fix.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin, PluginRegistry, runRecipe, trainerPlugins, type Logger, type Recipe } from '../src/index';
import { quietLogger } from '../src/testing/index';
import { BigramPolicy } from './support/bigram-policy';
import { testPlugins } from './support/test-plugins';

/** A policy that dies like tfjs-wasm at its 4 GiB heap ceiling, and whose dispose then fails too. */
class OutOfMemoryPolicy extends BigramPolicy {
  override async trainStep(): Promise<never> {
    const error = new Error('memory access out of bounds');
    error.name = 'RuntimeError'; // what tfjs-wasm throws (WebAssembly.RuntimeError)
    throw error;
  }
  override dispose(): void {
    throw new Error('dispose: tensor already disposed');
  }
}

describe('errors during cleanup', () => {
  it('a failing dispose after a wasm out-of-memory keeps the real error, explained, and marks the run failed', async () => {
    const r = new PluginRegistry();
    for (const p of [...trainerPlugins, ...testPlugins]) r.register(p, 'test');
    r.register(definePlugin({ kind: 'policy', name: 'oom', optionsSchema: { type: 'object' }, defaults: {}, create: () => new OutOfMemoryPolicy(1) }), 'test');
    const trainer = r.resolve('trainer', ['sft-tiny', { instances: 'srl', batchSize: 8, maxPromptTokens: 512 }], 't').options;
    const task: [string, Record<string, unknown>] = ['test/add', r.resolve('task', 'test/add', 't').options];
    const recipe: Recipe = {
      name: 'oom',
      file: path.join(tmpdir(), 'r.json'),
      plugins: [],
      seed: 0,
      output: 'x',
      policy: ['oom', {}],
      task,
      rewards: [],
      stages: [{ name: '0-sft', trainer: ['sft-tiny', trainer], task, rewards: [], from: 'final', path: 'stages[0]' }],
    };
    const warnings: string[] = [];
    const logger: Logger = { ...quietLogger, log: (level, m) => void (level === 'warn' && warnings.push(m)) };
    const out = mkdtempSync(path.join(tmpdir(), 'srl-oom-'));
    const run = runRecipe({ recipe, registry: r, logger, outDir: out, signal: new AbortController().signal });
    await expect(run).rejects.toThrow(/stage 0 \(0-sft\): the tensor backend ran out of memory \(memory access out of bounds\).*smaller "microBatchSize"/);
    expect(warnings.join('\n')).toMatch(/cleanup after the error failed too \(ignored\): dispose: tensor already disposed/);
    const record = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/ran out of memory/);
  });
});
