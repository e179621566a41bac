import type { Example, StepDecomposer } from '@srl/core';
import type { RowIssues } from '../../data/row-issues';
import type { MathRow } from './math-row-spec';

export interface MathRowsToExamplesInput {
  rows: MathRow[];
  /** Splits each row's solution into steps; a null split drops the row (counted in `issues`). */
  decomposer?: StepDecomposer;
  issues: RowIssues;
  /** Stop after this many examples. */
  limit?: number;
}

/**
 * Builds examples from checked rows. With a decomposer, rows whose solution does not conform are
 * dropped and counted (SRL App. A: solutions failing the format check are dropped); the
 * decomposer's answer (GSM8K `####`, last `\boxed{}`) is used when the row has none.
 */
export function mathRowsToExamples(input: MathRowsToExamplesInput): Example[] {
  const examples: Example[] = [];
  for (const row of input.rows) {
    if (input.limit !== undefined && examples.length >= input.limit) break;
    const example: Example = { id: row.id, problem: row.problem, metadata: { ...row.extra, file: row.file, line: row.line } };
    if (row.solution !== undefined) example.solution = row.solution;
    let answer = row.answer;
    if (input.decomposer && row.solution !== undefined) {
      const split = input.decomposer.split(row.solution);
      if (split === null) {
        input.issues.dropped(row.file, row.line, `solution does not conform to the "${input.decomposer.name}" step format; dropped`);
        continue;
      }
      example.steps = split.steps;
      if (split.titles) example.stepTitles = split.titles;
      answer ??= split.answer;
    }
    if (answer !== undefined) example.answer = answer;
    examples.push(example);
  }
  return examples;
}
