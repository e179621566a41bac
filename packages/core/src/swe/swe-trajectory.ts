/**
 * The canonical form of an agent trajectory, shared by every SWE reader, the step-wise instance
 * builder, the environment and the agent loop (SRL §5.1: the action is only the
 * environment-consumable tool call, not the agent's prose).
 */

/** One tool call: a canonical tool name (`bash`, `str_replace_editor`, `submit`, ...) and its arguments. */
export interface SweAction {
  tool: string;
  /** Argument name → value; strings in most tools, numbers or arrays in a few (`view_range`, `insert_line`). */
  args: Record<string, unknown>;
}

/** One agent turn: the prose before the call, the call, and what the environment answered. */
export interface SweStep {
  thought: string;
  action: SweAction;
  observation: string;
}

/** An expert (or agent) trajectory on one task. */
export interface SweTrajectory {
  /** SWE-bench style id (`astropy__astropy-12907`). */
  instanceId: string;
  repo?: string;
  /** The issue text the agent was asked to resolve. */
  issue: string;
  steps: SweStep[];
  /** Whether the final patch resolved the issue, when known. */
  resolved?: boolean;
}
