/** Limits of one command in the SWE sandbox. */
export interface SandboxLimits {
  /** Wall-clock limit per command; the whole sandbox is killed when it runs out. */
  timeoutMs: number;
  /** Output kept for the observation (head and tail, with a truncation marker). */
  outputBytes: number;
  /** A command that writes more than this is killed (its observation is still the capped output). */
  killAfterOutputBytes: number;
  /** Processes (and threads) the command may run at once (RLIMIT_NPROC inside its user namespace). */
  processes: number;
  /** Address space of each process (RLIMIT_AS), bytes. */
  memoryBytes: number;
  /** Largest file a command may write (RLIMIT_FSIZE), bytes. */
  fileBytes: number;
  /** Size of the private /tmp (tmpfs), bytes. */
  tmpBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  outputBytes: 100_000,
  killAfterOutputBytes: 64 * 1024 * 1024,
  processes: 128,
  memoryBytes: 4 * 1024 * 1024 * 1024,
  fileBytes: 256 * 1024 * 1024,
  tmpBytes: 256 * 1024 * 1024,
};

/** JSON Schema of a partial `SandboxLimits`, for plugin options. */
export const sandboxLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timeoutMs: { type: 'integer', minimum: 100 },
    outputBytes: { type: 'integer', minimum: 256 },
    killAfterOutputBytes: { type: 'integer', minimum: 1024 },
    processes: { type: 'integer', minimum: 4 },
    memoryBytes: { type: 'integer', minimum: 67108864 },
    fileBytes: { type: 'integer', minimum: 1024 },
    tmpBytes: { type: 'integer', minimum: 1048576 },
  },
} as const;
