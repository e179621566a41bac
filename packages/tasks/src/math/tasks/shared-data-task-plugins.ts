import { definePlugin, type AnyPluginDefinition } from '@srl/core';
import { MATH_TASK_DEFAULTS, MATH_TASK_SCHEMA_PROPERTIES, mathTaskReferences } from './math-task-options';
import { SHARED_DATA_TASKS, createSharedDataTask, type SharedDataTaskOptions, type SharedDataTaskSpec } from './shared-data-tasks';

function sharedDataTaskPlugin(spec: SharedDataTaskSpec): AnyPluginDefinition {
  return definePlugin<'task', SharedDataTaskOptions>({
    kind: 'task',
    name: spec.name,
    description: spec.description,
    optionsSchema: {
      type: 'object',
      properties: { dataDir: { type: 'string', minLength: 1 }, ...MATH_TASK_SCHEMA_PROPERTIES },
      additionalProperties: false,
    },
    defaults: spec.defaultDecomposer === undefined ? MATH_TASK_DEFAULTS : { ...MATH_TASK_DEFAULTS, decomposer: spec.defaultDecomposer },
    references: mathTaskReferences,
    create: (options, deps) => createSharedDataTask(spec, options, deps),
  });
}

/** `math/gsm8k`, `math/math500`, `math/aime24`, `math/amc23`, `math/minerva`. */
export const sharedDataTaskPlugins: AnyPluginDefinition[] = SHARED_DATA_TASKS.map(sharedDataTaskPlugin);
