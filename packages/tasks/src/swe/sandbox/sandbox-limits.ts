import { Default, schemaDefaults, Type, type PluginOptions } from '@srl/core';

const limit = (minimum: number, value: number, description: string) => Default(Type.Integer({ minimum, description }), value);

/** Limits of one command in the SWE sandbox, declared once (type, defaults, and the plugins' `limits` option). */
const sandboxLimitsProperties = {
  timeoutMs: limit(100, 30_000, 'wall-clock limit per command (ms); the whole sandbox is killed when it runs out'),
  outputBytes: limit(256, 100_000, 'output kept for the observation (head and tail, with a truncation marker)'),
  killAfterOutputBytes: limit(1024, 64 * 1024 * 1024, 'a command that writes more is killed (its observation is still the capped output)'),
  processes: limit(4, 128, 'processes and threads a command may run at once (RLIMIT_NPROC in its user namespace)'),
  memoryBytes: limit(67108864, 4 * 1024 * 1024 * 1024, 'address space of each process (RLIMIT_AS), bytes'),
  fileBytes: limit(1024, 256 * 1024 * 1024, 'largest file a command may write (RLIMIT_FSIZE), bytes'),
  tmpBytes: limit(1048576, 256 * 1024 * 1024, 'size of the private /tmp (tmpfs), bytes'),
};
export const sandboxLimitsSchema = Type.Object(sandboxLimitsProperties, { additionalProperties: false });

export type SandboxLimits = PluginOptions<typeof sandboxLimitsSchema>;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = schemaDefaults(sandboxLimitsSchema);

/** The `limits` option of the plugins that run commands (each left out takes its default). */
export const sandboxLimitsOption = Default(
  Type.Object(sandboxLimitsProperties, { additionalProperties: false, description: 'per-command sandbox limits' }),
  {},
);
