import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests run on sources: every @srl package exports a `source` condition that points at src/.
const conditions = ['source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: ['packages/*', 'examples/*'],
    // Every test runs on one backend whatever is installed: wasm, or SRL_BACKEND (CI reruns the policy suite with tensorflow).
    // Test files share processes: a gradient pool would turn V8's background GC and compiler helpers off for every
    // later file in its process (quiet-v8-helpers.ts; the policies project took 82.8 s instead of 72.9 s), so tests
    // keep them unless SRL_V8_HELPERS says otherwise. CLI runs spawned by tests inherit it.
    env: { SRL_BACKEND: process.env.SRL_BACKEND ?? 'wasm', SRL_V8_HELPERS: process.env.SRL_V8_HELPERS ?? 'keep' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // At least two test processes: vitest's default (cores - 1) is one on a 2-core machine, where most test
    // files wait on spawned CLI, Python and sandbox processes. On the 2-core CI machine the Node 20 suite took
    // 521 s with two instead of 753 s with one.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
