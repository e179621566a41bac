/**
 * Runs the labelled cases of HuggingFace Math-Verify v0.8.0's test-suite
 * (`../shared/data/conformance/math_verify/cases.jsonl`) through this package's checker, with
 * the settings each case was written for (`match_types`, `precision`, `strict`,
 * `allow_set_relation_comp`), and reports which verdicts agree. Used by the conformance test and
 * by `scripts/math-verify-misses.ts`.
 */
import { readFileSync } from 'node:fs';
import { extractChoice } from './extract-choice';
import type { ExtractOptions } from './extract-answer';
import { verifyMathAnswer, type MathVerification } from './verify-math-answer';

export interface MathVerifyCase {
  line: number;
  test: string;
  gold?: string;
  pred: string;
  expected: number | string[];
  check: string;
  precision?: number;
  strict?: boolean;
  allow_set_relation_comp?: boolean;
  kwargs?: Record<string, string>;
  config?: { __source__: string };
}

export interface CaseOutcome {
  case: MathVerifyCase;
  agrees: boolean;
  /** What we decided: 1/0 for comparisons, the extracted choice for string cases. */
  got: number | string[];
  detail: MathVerification | null;
}

export function loadMathVerifyCases(file: string): MathVerifyCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => ({ line: i + 1, ...(JSON.parse(l) as Omit<MathVerifyCase, 'line'>) }));
}

function matchTypes(c: MathVerifyCase): ExtractOptions {
  const source = c.kwargs?.match_types ?? /match_types=(\[[^\]]*\])/.exec(c.check)?.[1] ?? '["latex", "expr"]';
  // Math-Verify's test helper extracts nothing beyond its two modes (no bare-line fallback).
  return { latex: source.includes('latex'), expr: source.includes('expr'), withoutAnchor: true, bareFallback: false };
}

export function runMathVerifyCase(c: MathVerifyCase): CaseOutcome {
  if (c.config) {
    const src = c.config.__source__;
    const strings = /strings=\(([^)]*)\)/.exec(src)?.[1];
    const choices = strings ? [...strings.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]) : undefined;
    const found = extractChoice(c.pred, { choices, lowercase: !/lowercase=False/.test(src) });
    const got = found ? [found.value, found.raw] : [];
    return { case: c, agrees: JSON.stringify(got) === JSON.stringify(c.expected), got, detail: null };
  }
  const extract = matchTypes(c);
  const detail = verifyMathAnswer({
    prediction: c.pred,
    gold: c.gold ?? '',
    goldFormat: 'extract',
    extract,
    goldExtract: extract,
    precision: c.precision ?? (c.kwargs?.precision ? Number(c.kwargs.precision) : 6),
    strict: c.strict ?? true,
    allowSetRelationComparison: c.allow_set_relation_comp ?? false,
  });
  const got = detail.status === 'correct' ? 1 : 0;
  return { case: c, agrees: got === c.expected, got, detail };
}

/** One line per disagreement: the case, both verdicts, and what each side was read as. */
export function describeMiss(o: CaseOutcome): string {
  const c = o.case;
  const short = (s: string | undefined): string => JSON.stringify((s ?? '').length > 90 ? `${s!.slice(0, 40)} … ${s!.slice(-45)}` : (s ?? ''));
  const d = o.detail;
  const read = d
    ? `status=${d.status}; gold read as ${d.gold ? `${JSON.stringify(d.gold.text)} → ${d.gold.parsed}` : 'nothing'}; pred read as ${d.prediction ? `${JSON.stringify(d.prediction.text)} → ${d.prediction.parsed} [${d.prediction.source}]` : 'nothing'}`
    : `extracted ${JSON.stringify(o.got)}`;
  return `line ${c.line} ${c.test}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(o.got)}\n  gold ${short(c.gold)}\n  pred ${short(c.pred)}\n  ${read}`;
}
