// Per-project vitest settings: resolve @srl/* through their `source` export condition (src/, no build).
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const conditions = ['source', 'import', 'module', 'node', 'default'];

export function srlProject(name: string, extra: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    test: { name, environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, ...extra },
  });
}
