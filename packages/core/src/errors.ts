/**
 * One error class for the whole framework. Errors carry a `kind` and a cross-copy marker
 * (`Symbol.for`) so that two copies of @srl/core (e.g. a plugin bundling its own) still agree:
 * test with `isSrlError(e)`, never `instanceof`.
 */
const MARKER = Symbol.for('@srl/core/SrlError');

export type SrlErrorKind =
  | 'usage' // bad command line
  | 'validation' // a recipe, options object or input file is invalid
  | 'plugin' // a plugin cannot be found, loaded or registered
  | 'not-available' // the engine behind a command has not landed yet
  | 'data' // malformed data rows
  | 'runtime' // anything that fails while running
  | 'sandbox' // the SWE sandbox cannot be created (bubblewrap missing, no user namespaces)
  | 'aborted'; // a run stopped by a signal

/** Exit codes of the `srl` command. 2: usage or validation; 1: runtime. */
export const ExitCode = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

export interface SrlErrorOptions {
  /** Every problem found, for errors that report many at once (validation). */
  details?: string[];
  cause?: unknown;
}

export class SrlError extends Error {
  readonly [MARKER] = true;
  readonly kind: SrlErrorKind;
  readonly details: string[];

  constructor(kind: SrlErrorKind, message: string, options: SrlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SrlError';
    this.kind = kind;
    this.details = options.details ?? [];
  }

  /** The exit code the CLI uses for this error. */
  get exitCode(): number {
    return this.kind === 'usage' || this.kind === 'validation' ? ExitCode.usage : this.kind === 'aborted' ? ExitCode.interrupted : ExitCode.runtime;
  }
}

export function isSrlError(value: unknown): value is SrlError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}
