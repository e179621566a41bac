import type { ServiceIdentifier } from 'inversify';

export const ENVIRONMENT_SPEC_VERSION = 2 as const;

/** One call of a tool, as an agent proposes it (SWE: `{ tool: 'bash', args: { command: 'ls' } }`). */
export interface EnvironmentAction {
  tool: string;
  args: Record<string, unknown>;
}

/** What an episode starts from: an instance id; each environment extends it with what it needs (SWE: the repository). */
export interface EnvironmentTask {
  instanceId: string;
}

export interface StepOutcome {
  observation: string;
  done: boolean;
  /** null until the episode has an outcome (e.g. tests run at the end). */
  reward: number | null;
  info?: Record<string, unknown>;
}

/** A multi-turn agentic environment (SWE: a repository in a sandbox). */
export interface Environment<T extends EnvironmentTask = EnvironmentTask, A extends EnvironmentAction = EnvironmentAction> {
  readonly specVersion: typeof ENVIRONMENT_SPEC_VERSION;
  readonly name: string;
  /** Starts an episode on `task` (ending any previous one); returns the first observation (e.g. the issue text). */
  reset(task: T): Promise<string>;
  step(action: A): Promise<StepOutcome>;
  /** Ends the episode and releases what it holds (SWE: the sandbox's work tree). Safe to call twice. */
  close(): Promise<void>;
}
export const Environment: ServiceIdentifier<Environment> = Symbol.for('@srl/core/Environment');
