import type { AnyPluginDefinition } from '@srl/core';
import { syntheticArithmeticTaskPlugin } from './synthetic/synthetic-arithmetic-plugin';
import { jsonlBenchmarkTaskPlugin } from './tasks/jsonl-benchmark-task';
import { s1kTaskPlugin } from './tasks/s1k-task';
import { sharedDataTaskPlugins } from './tasks/shared-data-task-plugins';

/** The math task plugins. */
export const mathTaskPlugins: AnyPluginDefinition[] = [...sharedDataTaskPlugins, s1kTaskPlugin, jsonlBenchmarkTaskPlugin, syntheticArithmeticTaskPlugin];
