/**
 * The one rule for boxed answers, shared by the math rewards (reading a completion, the rule the Math-Verify
 * cases in @srl/rewards check) and the math tasks (reading a gold solution, checking a rewrite):
 * `\boxed{...}`, `\fbox{...}` and `\framebox[...]{...}` with balanced braces (escaped `\{` and `\}` do not
 * count), and the brace-less `\boxed 5`. A box is read whole, so a box nested inside another is part of the
 * outer one's content; a box that never closes (a truncated completion) is skipped, so an earlier complete
 * box still counts. (Minerva's `last_boxed_only_string` differs on both edge cases: it takes the innermost
 * last box and gives up on an unclosed one. Over the 21,170 text fields of ../shared/data/benchmarks and
 * gsm8k, this rule and the tasks' former one differ on a single field: `\framebox{204}`, the answer of an
 * AIME 2024 solution, that only this rule reads.)
 */
export interface BoxedSpan {
  /** What is inside the box, untrimmed. */
  content: string;
  /** Index of the backslash of `\boxed`. */
  start: number;
  /** Index just after the closing brace. */
  end: number;
}

const BOX = /\\(?:boxed|fbox|framebox)(?![a-zA-Z])\s*(?:\[[^\]]*\]\s*)?/g;

/** For each `{`, the index of its matching `}` (escaped braces skipped); one pass with a stack. */
function matchBraces(text: string): Map<number, number> {
  const close = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') stack.push(i);
    else if (c === '}' && stack.length) close.set(stack.pop()!, i);
  }
  return close;
}

/** Every box in `text`, in order; unclosed boxes (a truncated completion) are skipped. */
export function findBoxed(text: string): BoxedSpan[] {
  const spans: BoxedSpan[] = [];
  let braces: Map<number, number> | undefined;
  BOX.lastIndex = 0;
  for (let m = BOX.exec(text); m; m = BOX.exec(text)) {
    const open = m.index + m[0].length;
    if (text[open] !== '{') {
      // `\boxed 5` or `\boxed5`: one token.
      const token = /^[^\s$\\{}]+|^\\[a-zA-Z]+/.exec(text.slice(open, open + 100));
      if (token) spans.push({ content: token[0], start: m.index, end: open + token[0].length });
      continue;
    }
    braces ??= matchBraces(text);
    const close = braces.get(open);
    if (close === undefined) continue;
    spans.push({ content: text.slice(open + 1, close), start: m.index, end: close + 1 });
    BOX.lastIndex = close + 1;
  }
  return spans;
}

/** The contents of the last complete box, trimmed, or null when there is none. */
export function lastBoxed(text: string): string | null {
  const spans = findBoxed(text);
  return spans.length ? spans[spans.length - 1].content.trim() : null;
}
