/**
 * String-level clean-up of an extracted answer before it is parsed: what a grader ignores
 * (thousands separators, units and `\text{...}`, `$`, degrees, `\left`/`\right`, spacing
 * commands, trailing periods) goes, and what it must keep (a trailing percent) becomes a flag.
 */
import { findBoxed } from '@srl/core';

export type NormalizedAnswer =
  | { kind: 'latex'; latex: string; percent: boolean }
  /** The whole answer was `\text{...}` (a word answer such as "Evelyn" or "(C)"). */
  | { kind: 'text'; text: string };

const TEXT_NAMES = 'text|textbf|textit|textrm|textnormal|textsf|texttt|mbox|hbox';
const TEXT_COMMANDS = `(?:${TEXT_NAMES})`;

/** Commands recognised after a doubled backslash (`\\frac` from a string escaped twice). */
const DOUBLED_COMMANDS =
  'frac|dfrac|tfrac|cfrac|sqrt|left|right|boxed|fbox|text|textbf|mathrm|mbox|le|leq|ge|geq|lt|gt|ne|neq|pi|cdot|times|div|pm|mp|infty|in|cup|cap|begin|end|circ|approx|theta|alpha|beta|gamma|sin|cos|tan|log|ln';

/** Control characters that an unescaped `\f`, `\b`, `\t`, `\r`, `\v`, `\a` turned into (`\frac` → FF + "rac"). */
const CONTROL_ESCAPES: Record<string, string> = { '\f': '\\f', '\b': '\\b', '\t': '\\t', '\r': '\\r', '\v': '\\v', '\x07': '\\a' };

const UNICODE: [RegExp, string][] = [
  [/[−–]/g, '-'],
  [/×/g, '\\times '],
  [/÷/g, '\\div '],
  [/[·⋅]/g, '\\cdot '],
  [/√/g, '\\sqrt '],
  [/π/g, '\\pi '],
  [/∞/g, '\\infty '],
  [/≤/g, '\\le '],
  [/≥/g, '\\ge '],
  [/≠/g, '\\ne '],
  [/∪/g, '\\cup '],
  [/∈/g, '\\in '],
  [/²/g, '^2'],
  [/³/g, '^3'],
  [/[€£¥₹]/g, ''],
];

const PLAIN_FUNCTIONS = 'arcsin|arccos|arctan|sinh|cosh|tanh|sin|cos|tan|cot|sec|csc|ln|log|exp';

/** Words that are not units when they trail a number. */
const NOT_UNITS = new Set(['pi', 'and', 'or', 'sin', 'cos', 'tan', 'log', 'ln', 'exp', 'sqrt', 'mod', 'inf']);

/** Restores LaTeX commands that lost their backslash to a string escape (see CONTROL_ESCAPES). */
export function recoverControlEscapes(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters a lost backslash left are what it looks for
  return text.replace(/[\f\b\t\r\v\x07](?=[a-zA-Z])/g, (c) => CONTROL_ESCAPES[c] ?? c);
}

/** Replaces `sqrt(...)` by `\sqrt{...}` (balanced parentheses). */
function plainSqrt(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const m = /(?<![\\a-zA-Z])sqrt\s*\(/g;
    m.lastIndex = i;
    const hit = m.exec(s);
    if (!hit) return out + s.slice(i);
    let depth = 0;
    let j = hit.index + hit[0].length - 1;
    for (; j < s.length; j++) {
      if (s[j] === '(') depth++;
      else if (s[j] === ')' && --depth === 0) break;
    }
    if (j >= s.length) return out + s.slice(i);
    out += `${s.slice(i, hit.index)}\\sqrt{${s.slice(hit.index + hit[0].length, j)}}`;
    i = j + 1;
  }
}

/** Removes trailing unit words after a value: "35 cm" → "35" (not "2 pi" or "3 and"). */
function stripTrailingUnit(part: string): string {
  const trailing = /^(.*?[\d})\]])\s+([a-zA-Z]{2,}(?:[.\s]+[a-zA-Z]{2,})*)\.?\s*$/.exec(part);
  if (!trailing || trailing[2].split(/[.\s]+/).some((w) => NOT_UNITS.has(w.toLowerCase()))) return part;
  return trailing[1];
}

/** Splits at commas outside any bracket or brace. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Applies `rule` until the string stops changing (thousands separators come in runs). */
function repeat(s: string, rule: (s: string) => string): string {
  for (let k = 0; k < 20; k++) {
    const next = rule(s);
    if (next === s) return s;
    s = next;
  }
  return s;
}

/**
 * Normalises one extracted answer. Returns null for an empty answer.
 * `\boxed{...}` inside the answer is replaced by its contents (several boxes become a list).
 */
export function normalizeLatex(raw: string): NormalizedAnswer | null {
  let s = recoverControlEscapes(raw);
  s = s.replace(new RegExp(String.raw`(?<!\\)\\\\(?=(?:${DOUBLED_COMMANDS})(?![a-zA-Z]))`, 'g'), '\\');

  // Bold is only emphasis: \textbf{(113)}, \mathbf{127}; a command inside a subscript is a name: L_{\odot}.
  s = s.replace(/^\s*\\(?:textbf|bf)\s*\{([^{}]*)\}\s*$/, '$1').replace(/\\(?:mathbf|boldsymbol|textbf)\s*\{([\d\s.,()-]*)\}/g, '$1');
  s = s.replace(/_\s*\{\s*\\([a-zA-Z]+)\s*\}/g, '_{$1}');

  const boxes = findBoxed(s);
  if (boxes.length) s = boxes.map((b) => b.content).join(', ');

  // Math delimiters and dollar signs (currency or stray inline-math markers).
  s = s
    .replace(/\\\$/g, ' ')
    .replace(/\\[[\]()]/g, ' ')
    .replace(/\$/g, ' ');
  for (const [pattern, replacement] of UNICODE) s = s.replace(pattern, replacement);

  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle)/g, ' ');
  s = s.replace(/\\(?:left|right)\s*\./g, ' ').replace(/\\(?:left|right|[bB]igg?[lrm]?)(?![a-zA-Z])/g, '');

  // Thousands separators: 14{,}916, 10,\!080, 10\,000.
  s = repeat(s, (t) => t.replace(/(\d)\s*\{\s*,\s*\}\s*(?=\d)/g, '$1'));
  s = repeat(s, (t) => t.replace(/(\d),\s*\\!\s*(?=\d{3}(?!\d))/g, '$1'));
  s = repeat(s, (t) => t.replace(/(\d)\\[,!](?=\d{3}(?!\d))/g, '$1'));
  s = s.replace(/(?<!\\)\\[,;:! ]|\\q?quad(?![a-zA-Z])|\\(?:en|thin|med|thick)space(?![a-zA-Z])|~/g, ' ');
  s = s.replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac');

  // Degrees (an angle is compared as the number of degrees, as Math-Verify does).
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])|°/g, ' ');

  s = s.trim().replace(/(?:\\\\|[\s.,;:?])+$/, '');

  const whole = new RegExp(String.raw`^\\${TEXT_COMMANDS}\s*\{([^{}]*)\}$`).exec(s);
  if (whole) return { kind: 'text', text: whole[1].trim() };

  // Connectives between answers: "12 \text{ and } 13", "1 and 3".
  s = s.replace(new RegExp(String.raw`\\${TEXT_COMMANDS}\s*\{\s*(?:and|or|,)\s*\}`, 'g'), ', ');
  // Math-Verify's rule: "and"/"or" not inside a word joins answers ("1 and 3", "x=2 or x=5").
  s = s.replace(/(?<![a-zA-Z]),?\s*(?:and|or)(?![a-zA-Z])/g, ',');

  // Percent: a trailing %, \%, "percent", "pct" (also as \text{...}).
  let percent = false;
  s = s.replace(new RegExp(String.raw`\s*(?:\\?%|\\${TEXT_COMMANDS}\s*\{\s*(?:\\?%|percent|percentage)\s*\}|percentage|percent|pct)\s*$`, 'i'), () => {
    percent = true;
    return '';
  });

  // Units: \text{ cm}^2, \mbox{ inches}, \mathrm{~km} after a value; then bare trailing words ("35 cm").
  const unit = new RegExp(String.raw`(?<=[\d})\]a-zA-Z.]\s*)\\(?:${TEXT_NAMES}|mathrm)\s*\{\s*([^{}]*)\}(?:\s*\^\s*\{?\s*[23]\s*\}?)?`, 'g');
  s = s.replace(unit, (all, content: string) => {
    const word = content.replace(/[\s~]/g, '');
    if (/^[a-zA-Z][a-zA-Z./-]*$/.test(word) && !['i', 'e', 'd'].includes(word)) return ' ';
    return all;
  });
  // A brace group around the whole answer is only grouping: {35 cm, 4}.
  if (/^\{[^{}]*\}$/.test(s)) s = s.slice(1, -1).trim();
  s = splitTopLevel(s).map(stripTrailingUnit).join(',');
  // 10,455 as the whole answer is one number (in "(12,102)" the comma separates).
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');

  // Mixed numbers: 1\frac{4}{5} = 1 + 4/5 (proper fractions of integers only).
  s = s.replace(
    /(^|[^\d.^_{}\\a-zA-Z])(-?)\s*(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}/g,
    (all, pre: string, sign: string, whole: string, n: string, d: string) => (Number(n) < Number(d) ? `${pre}${sign}(${whole}+\\frac{${n}}{${d}})` : all),
  );

  // Plain-text math: sqrt(2), np.arcsin(x), 2*pi, x**2.
  s = s.replace(/(?<![a-zA-Z])(?:np|numpy|math|sympy|sp)\.(?=[a-z])/g, '');
  s = plainSqrt(s);
  s = s.replace(new RegExp(String.raw`(?<![\\a-zA-Z])(${PLAIN_FUNCTIONS})(?=\s*\()`, 'g'), '\\$1');
  s = s.replace(/(?<![\\a-zA-Z])pi(?![a-zA-Z])/g, '\\pi ');
  s = s.replace(/\*\*/g, '^');
  // A ratio is a quotient (Math-Verify's grammar reads `:` as division, left to right): 3:5, S_1:S_2=3:5.
  if (!/\\text[a-z]*\s*\{[^{}]*:/.test(s)) s = s.replace(/(?<![\\:]):(?![=:])/g, ' \\div ');

  s = s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(?:\\\\|[\s.,;:?])+$/, '')
    .replace(/^[\s,;:]+/, '');
  return s ? { kind: 'latex', latex: s, percent } : null;
}
