// SRL §4.2 / App. A: expert steps are numbered `1. **Title** action`, and the step-wise context shows the
// earlier steps the same way. This is the one definition of that step-header format, shared by the
// decomposers (a step never holds a header line after its first line), the context and target rendering,
// and the SRL output parser (a header line after the first line starts a second step). Agreeing on it is
// what makes an expert step, copied verbatim, a single well-formed step.

/**
 * Source of the step-header regular expression (one line, no flags): an unindented step number, a dot, and
 * whitespace or the end of the line (`2. **Title**`, `12.`). Not a header: `  2. sub-step` (indented),
 * `3.5 cm` (no whitespace after the dot), `2) ...`, `Step 2: ...`, `- item`.
 */
export const STEP_HEADER_PATTERN = String.raw`^\d+\.(?:\s|$)`;

const STEP_HEADER = new RegExp(STEP_HEADER_PATTERN);

/** True when `line` (one line, without its newline) is a step header in SRL's numbered format. */
export function isStepHeaderLine(line: string): boolean {
  return STEP_HEADER.test(line);
}

/** Step `k` (1-based) as the context shows it: `k. {step}`. */
export function numberStep(k: number, step: string): string {
  return `${k}. ${step}`;
}
