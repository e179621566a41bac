import { Default, schemaDefaults, Type, type PluginOptions } from '@srl/core';

const bytes = (minimum: number, value: number) => Default(Type.Integer({ minimum }), value);

/** Limits of one command in the SWE sandbox, declared once (type, defaults, and the plugins' `limits` option). */
const sandboxLimitsProperties = {
  /** Wall-clock limit per command; the whole sandbox is killed when it runs out. */
  timeoutMs: Default(Type.Integer({ minimum: 100 }), 30_000),
  /** Output kept for the observation (head and tail, with a truncation marker). */
  outputBytes: bytes(256, 100_000),
  /** A command that writes more than this is killed (its observation is still the capped output). */
  killAfterOutputBytes: bytes(1024, 64 * 1024 * 1024),
  /** Processes (and threads) the command may run at once (RLIMIT_NPROC inside its user namespace). */
  processes: Default(Type.Integer({ minimum: 4 }), 128),
  /** Address space of each process (RLIMIT_AS), bytes. */
  memoryBytes: bytes(67108864, 4 * 1024 * 1024 * 1024),
  /** Largest file a command may write (RLIMIT_FSIZE), bytes. */
  fileBytes: bytes(1024, 256 * 1024 * 1024),
  /** Size of the private /tmp (tmpfs), bytes. */
  tmpBytes: bytes(1048576, 256 * 1024 * 1024),
};
export const sandboxLimitsSchema = Type.Object(sandboxLimitsProperties, { additionalProperties: false });

export type SandboxLimits = PluginOptions<typeof sandboxLimitsSchema>;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = schemaDefaults(sandboxLimitsSchema);

/** The `limits` option of the plugins that run commands (each left out takes its default). */
export const sandboxLimitsOption = Default(Type.Object(sandboxLimitsProperties, { additionalProperties: false, description: 'per-command sandbox limits' }), {});
