import type { SweTrajectory } from '@srl/core';

/**
 * The patch a trajectory submitted: the observation of its last `submit` step when that is a
 * unified diff (SWE-agent's `submit`, and srl's environment, answer with the work tree's diff),
 * with the pty's CRLF line ends turned back into LF; null when there is none.
 */
export function submittedPatch(trajectory: SweTrajectory, submitTool = 'submit'): string | null {
  const last = [...trajectory.steps].reverse().find((s) => s.action.tool === submitTool);
  if (!last) return null;
  const text = last.observation.replace(/\r\n/g, '\n');
  const start = text.indexOf('diff --git ');
  return start < 0 ? null : text.slice(start);
}
