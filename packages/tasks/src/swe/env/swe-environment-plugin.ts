import { definePlugin } from '@srl/core';
import { sandboxLimitsSchema, type SandboxLimits } from '../sandbox/sandbox-limits';
import { SweEnvironment } from './swe-environment';

export interface SweEnvironmentPluginOptions {
  unsafe: boolean;
  limits: Partial<SandboxLimits>;
}

/** `swe/sandbox`: the SWE environment (bash, str_replace_editor, submit) in a bubblewrap sandbox. */
export const sweEnvironmentPlugin = definePlugin<'environment', SweEnvironmentPluginOptions>({
  kind: 'environment',
  name: 'swe/sandbox',
  description: 'SWE agent environment: bash, str_replace_editor and submit on a throwaway copy of the task repository, under bubblewrap (no network, read-only system, time/output/process/memory limits)',
  optionsSchema: {
    type: 'object',
    properties: {
      unsafe: { type: 'boolean', description: 'run commands on the host without a sandbox (a warning on every command)' },
      limits: { ...sandboxLimitsSchema, description: 'per-command sandbox limits' },
    },
    additionalProperties: false,
  },
  defaults: { unsafe: false, limits: {} },
  create: (options, deps) => new SweEnvironment({ unsafe: options.unsafe, limits: options.limits, logger: deps.logger }),
});
