/**
 * Multiple-choice answers ("The answer is (C)."): finds one of the given letters after the same
 * anchors as math answers (Math-Verify's StringExtractionConfig): "final answer is X. I hope",
 * "final answer ... is X", "answer: ... X", "answer ... X", a line starting with X, any lone X.
 */
import { ci } from './answer-patterns';

export interface ChoiceOptions {
  /** The choices (default A, B, C, D). */
  choices?: readonly string[];
  /** Return the choice lower-cased (default true). */
  lowercase?: boolean;
}

export interface ExtractedChoice {
  /** The choice, lower-cased when asked. */
  value: string;
  /** The choice as written. */
  raw: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The chosen option in `text`, or null. */
export function extractChoice(text: string, options: ChoiceOptions = {}): ExtractedChoice | null {
  const choices = options.choices ?? ['A', 'B', 'C', 'D'];
  const key = `(${choices.map(escapeRegExp).join('|')})`;
  const suffix = String.raw`(?:\*\*)?(?:\.|,|:|\s|$)`;
  const lone = String.raw`(?:^|\s)(?:\*\*)?${key}${suffix}`;
  const patterns: [string, string][] = [
    [`${ci('final answer is')}:?\\s*${key}\\.?\\s?I hope`, 's'],
    [`${ci('final answer')}.{0,100}?\\s+is:?\\s*${key}`, 's'],
    [`${ci('answer')}:.{0,50}?${lone}`, 's'],
    [`${ci('answer')}.{0,50}?${lone}`, 's'],
    [`^(?:\\*\\*)?${key}${suffix}`, ''],
    [lone, ''],
  ];
  for (const [source, flags] of patterns) {
    const matches = [...text.matchAll(new RegExp(source, `g${flags}`))];
    if (!matches.length) continue;
    // The rightmost match wins, as for math answers.
    const best = matches.reduce((a, b) => (b.index! + b[0].length >= a.index! + a[0].length ? b : a));
    const raw = best[1];
    return { value: options.lowercase === false ? raw : raw.toLowerCase(), raw };
  }
  return null;
}
