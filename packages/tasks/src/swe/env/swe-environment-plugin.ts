import { Default, definePlugin, Type, type PluginOptions } from '@srl/core';
import { sandboxLimitsOption } from '../sandbox/sandbox-limits';
import { SweEnvironment } from './swe-environment';

/** swe/sandbox's options, declared once. */
export const sweEnvironmentOptions = Type.Object(
  {
    unsafe: Default(Type.Boolean({ description: 'run commands on the host without a sandbox (a warning on every command)' }), false),
    limits: sandboxLimitsOption,
  },
  { additionalProperties: false },
);
export type SweEnvironmentPluginOptions = PluginOptions<typeof sweEnvironmentOptions>;

/** `swe/sandbox`: the SWE environment (bash, str_replace_editor, submit) in a bubblewrap sandbox. */
export const sweEnvironmentPlugin = definePlugin({
  kind: 'environment',
  name: 'swe/sandbox',
  description:
    'SWE agent environment: bash, str_replace_editor and submit on a throwaway copy of the task repository, under bubblewrap (no network, read-only system, time/output/process/memory limits)',
  options: sweEnvironmentOptions,
  create: (options, deps) => new SweEnvironment({ unsafe: options.unsafe, limits: options.limits, logger: deps.logger }),
});
