import { existsSync } from 'node:fs';
import path from 'node:path';
import { definePlugin, withDefaults, type AnyPluginDefinition } from '@srl/core';
import { resolveDataDir } from '../../data/resolve-data-dir';
import { mathTaskReferences } from './math-task-options';
import { SHARED_DATA_TASKS, createSharedDataTask, sharedDataTaskOptions, type SharedDataTaskSpec } from './shared-data-tasks';

function sharedDataTaskPlugin(spec: SharedDataTaskSpec): AnyPluginDefinition {
  return definePlugin({
    kind: 'task',
    name: spec.name,
    description: spec.description,
    options: spec.defaultDecomposer === undefined ? sharedDataTaskOptions : withDefaults(sharedDataTaskOptions, { decomposer: spec.defaultDecomposer }),
    references: mathTaskReferences,
    create: (options, deps) => createSharedDataTask(spec, options, deps),
    check: (options, context) => {
      let root: string;
      try {
        root = resolveDataDir({ dataDir: options.dataDir, baseDir: context.baseDir });
      } catch (error) {
        return [(error as Error).message];
      }
      return Object.entries(spec.files)
        .filter(([, relative]) => !existsSync(path.join(root, relative)))
        .map(
          ([split, relative]) =>
            `the "${split}" split's data file ${path.join(root, relative)} does not exist (data folder ${root}); set dataDir or $SRL_DATA_DIR to the folder that holds it`,
        );
    },
  });
}

/** `math/gsm8k`, `math/math500`, `math/aime24`, `math/amc23`, `math/minerva`. */
export const sharedDataTaskPlugins: AnyPluginDefinition[] = SHARED_DATA_TASKS.map(sharedDataTaskPlugin);
