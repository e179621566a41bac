import { defineConfig } from 'vitest/config';

// Tests run on sources: every @srl package exports a `source` condition that points at src/.
const conditions = ['source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: ['packages/*', 'examples/*'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
