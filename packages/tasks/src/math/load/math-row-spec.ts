import { lastBoxed } from '@srl/core';
import type { SourceRow } from '../../data/read-jsonl';
import { cleanAnswer } from '../answers/clean-answer';

/** How the columns of a math data file map onto an example (the whole configuration of `jsonl-benchmark`). */
export interface MathRowSpec {
  problemField: string;
  /** Field the gold answer is read from; none: examples without a gold answer (unless the decomposer finds one). */
  answerField?: string;
  /**
   * 'field': the field's value (string or number); 'last-boxed': the last `\boxed{}` in the field's
   * text; 'gsm8k': the `#### x` last line of the field's text.
   */
  answerExtraction: 'field' | 'last-boxed' | 'gsm8k';
  /** Field holding the expert solution (decomposed into steps when the task has a decomposer). */
  solutionField?: string;
  /** Field holding a unique id (string or integer); none: `<idPrefix><line>`. */
  idField?: string;
}

/** A row with its fields checked, before step decomposition. */
export interface MathRow {
  file: string;
  line: number;
  id: string;
  problem: string;
  answer?: string;
  solution?: string;
  /** The row's other short scalar fields (subject, level, url, ...), for reports. */
  extra: Record<string, string | number | boolean>;
}

const MAX_EXTRA_CHARS = 200;

/** Checks one row against the spec; returns the reason it is malformed as a string. */
export function parseMathRow(row: SourceRow, spec: MathRowSpec, idPrefix: string): MathRow | string {
  const v = row.value;
  const problem = v[spec.problemField];
  if (typeof problem !== 'string' || problem.trim() === '') return fieldProblem(spec.problemField, problem, 'a non-empty string');

  let solution: string | undefined;
  if (spec.solutionField !== undefined) {
    const s = v[spec.solutionField];
    if (typeof s !== 'string' || s.trim() === '') return fieldProblem(spec.solutionField, s, 'a non-empty string');
    solution = s;
  }

  let answer: string | undefined;
  if (spec.answerField !== undefined) {
    const a = v[spec.answerField];
    if (spec.answerExtraction === 'field') {
      if (typeof a !== 'string' && typeof a !== 'number') return fieldProblem(spec.answerField, a, 'a string or a number');
      const clean = cleanAnswer(a);
      if (clean === null) return fieldProblem(spec.answerField, a, 'a non-empty answer');
      answer = clean;
    } else {
      if (typeof a !== 'string') return fieldProblem(spec.answerField, a, 'a string (the text to extract the answer from)');
      const raw = spec.answerExtraction === 'last-boxed' ? lastBoxed(a) : gsm8kAnswer(a);
      const clean = raw === null ? null : cleanAnswer(raw);
      if (clean === null) {
        const what = spec.answerExtraction === 'last-boxed' ? 'a \\boxed{...} with balanced braces' : 'a last line "#### <answer>"';
        return `field "${spec.answerField}" has no answer to extract: expected ${what}, found ${JSON.stringify(tail(a))}`;
      }
      answer = clean;
    }
  }

  let id = `${idPrefix}${row.line}`;
  if (spec.idField !== undefined) {
    const raw = v[spec.idField];
    if ((typeof raw !== 'string' || raw === '') && !(typeof raw === 'number' && Number.isInteger(raw))) {
      return fieldProblem(spec.idField, raw, 'a non-empty string or an integer');
    }
    id = String(raw);
  }

  const used = new Set([spec.problemField, spec.answerField, spec.solutionField, spec.idField]);
  const extra: MathRow['extra'] = {};
  for (const [key, value] of Object.entries(v)) {
    if (used.has(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= MAX_EXTRA_CHARS)) extra[key] = value;
  }
  return { file: row.file, line: row.line, id, problem, answer, solution, extra };
}

/** The answer of a GSM8K-style solution: its last non-empty line, `#### x`. */
export function gsm8kAnswer(text: string): string | null {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const match = /^####\s*(.*)$/.exec(lines[lines.length - 1] ?? '');
  return match ? match[1] : null;
}

function fieldProblem(field: string, value: unknown, expected: string): string {
  const found =
    value === undefined
      ? 'it is missing'
      : `found ${typeof value === 'string' ? JSON.stringify(tail(value)) : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`}`;
  return `field "${field}": expected ${expected}, ${found}`;
}

function tail(text: string): string {
  return text.length > 60 ? `…${text.slice(-60)}` : text;
}
