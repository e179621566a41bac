import { defineConfig } from 'vitest/config';

// Tests run on sources: every @srl package exports a `source` condition that points at src/.
const conditions = ['source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: ['packages/*', 'examples/*'],
    // Every test runs on one backend whatever is installed: wasm, or SRL_BACKEND (CI reruns the policy suite with tensorflow).
    env: { SRL_BACKEND: process.env.SRL_BACKEND ?? 'wasm' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
