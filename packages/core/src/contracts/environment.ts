import type { ServiceIdentifier } from 'inversify';

export const ENVIRONMENT_SPEC_VERSION = 1 as const;

export interface StepOutcome {
  observation: string;
  done: boolean;
  /** null until the episode has an outcome (e.g. tests run at the end). */
  reward: number | null;
  info?: Record<string, unknown>;
}

/** A multi-turn agentic environment (SWE: a repository in a sandbox). */
export interface Environment {
  readonly specVersion: typeof ENVIRONMENT_SPEC_VERSION;
  readonly name: string;
  /** Starts an episode; returns the first observation (e.g. the issue text). */
  reset(options?: { seed?: number; instanceId?: string }): Promise<string>;
  step(action: string): Promise<StepOutcome>;
  close(): Promise<void>;
}
export const Environment: ServiceIdentifier<Environment> = Symbol.for('@srl/core/Environment');
