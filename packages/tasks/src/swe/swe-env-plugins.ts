import type { AnyPluginDefinition } from '@srl/core';
import { builtinSweTaskPlugin } from './builtin/builtin-swe-task-plugin';
import { sweEnvironmentPlugin } from './env/swe-environment-plugin';
import { testsPassRewardPlugin } from './reward/tests-pass-reward';

/** The SWE execution plugins: the sandboxed environment, the built-in task set and the tests-pass reward. */
export const sweEnvPlugins: AnyPluginDefinition[] = [sweEnvironmentPlugin, builtinSweTaskPlugin, testsPassRewardPlugin];
