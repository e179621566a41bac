/**
 * Where a final answer can be in a completion, with priorities (lower first), after the
 * extraction rules of HuggingFace Math-Verify (parser.py): "final answer is $X$. I hope" (0),
 * `\boxed{X}` (0 here, as in Math-Verify's own tests), "final answer ... is X" (50),
 * "answer: X" (100), "answer ... X" (200), any math environment or number (300). GSM8K's
 * `#### X` is added at 0. Within a priority the rightmost match is tried first.
 * Node 20's RegExp has no inline `(?i:...)` groups, so case-insensitive words are spelled out.
 */

/** `final answer` as [Ff][Ii]... (case-insensitive word inside a case-sensitive pattern). */
export const ci = (words: string): string => words.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);

// ---- LaTeX environments -------------------------------------------------------------------
const DISPLAY_DOLLAR = String.raw`(?<!\\)\$\$((?:[^$]|\$(?!\$))+?)(?<!\\)\$\$`;
const DISPLAY_BRACKET = String.raw`(?<!\\)\\\[((?:[^\\]|\\(?!\]))+?)(?<!\\)\\\]`;
/** Inline `$...$`: one line; `\$` may appear inside; not opened right after a digit (`5$`). */
const INLINE_DOLLAR = String.raw`(?<!\\|\d)\$((?:\\\$|[^\n$])+?)(?<!\\)\$`;
const INLINE_PAREN = String.raw`(?<!\\)\\\(((?:[^\\\n]|\\(?!\)))+?)(?<!\\)\\\)`;
const INLINE_BRACKET = String.raw`\s\[([^\n\]\[]+?)\]\s`;
const SIMPLE_NUMBER = String.raw`-?\d+(?:[.,]\d+)?`;
const FRACTION = String.raw`(-?\\frac\{${SIMPLE_NUMBER}\}\{${SIMPLE_NUMBER}\})`;
export const PERCENT = String.raw`(?:\\?%|[Pp]ercent|[Pp]ercentage|[Pp]ct)`;

const strip = (pattern: string): string => pattern.replace(/(?<!\\)\((?!\?)/g, '(?:');
const ENV_ALTERNATIVES = [DISPLAY_DOLLAR, DISPLAY_BRACKET, INLINE_DOLLAR, INLINE_PAREN, INLINE_BRACKET, FRACTION];
/** One environment, optionally followed by a percent sign, without capture groups. */
const ENV = `(?:(?:${ENV_ALTERNATIVES.map(strip).join('|')})\\s*${PERCENT}?)`;
/** Up to six environments joined by "and", "or" or commas (`$1$, $2$ and $3$`). */
const ENV_CHAIN = `${ENV}${`(?:\\s*(?:,?and|,?or|,)\\s*${ENV})?`.repeat(5)}`;

/** Splits a matched chain into its environments: each alternative captures its content. */
export const SINGLE_ENV = new RegExp(`(?:${ENV_ALTERNATIVES.join('|')})\\s*(${PERCENT})?`, 'g');

export interface PatternSpec {
  regex: RegExp;
  priority: number;
  kind: 'latex' | 'expr';
}

const latexPatterns = (withoutAnchor: boolean): PatternSpec[] => {
  const specs: [string, number][] = [
    [`${ci('final answer is')}:?\\s*(${ENV_CHAIN})\\.?\\s?I hope`, 0],
    [`${ci('final answer')}.{0,100}?\\s+is:?\\s*(${ENV_CHAIN})`, 50],
    [`${ci('answer')}:.{0,50}?(${ENV_CHAIN})`, 100],
    [`${ci('answer')}.{0,50}?(${ENV_CHAIN})`, 200],
  ];
  if (withoutAnchor) specs.push([`(${ENV_CHAIN})`, 300]);
  return specs.map(([source, priority]) => ({ regex: new RegExp(source, 'gsd'), priority, kind: 'latex' }));
};

// ---- Plain numbers and expressions ------------------------------------------------------------
/** 1,234.56 / 1 234 (thousands), 123,45 (decimal comma), .5, 123; then an optional percent. */
const NUMBER = String.raw`(?<!\d)(?:(?<int1>-?[1-9]\d{0,2}(?:[ ,]\d{3})+)(?<dec1>\.\d+)?|(?<int2>-?\d+)(?<dec2>[.,]\d+)|(?<dec3>\.\d+)|(?<int3>-?\d+))(?<pct>\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?`;
const OPERATORS = String.raw`+\-*×/^()÷`;
const EXPR_CHARS = String.raw`[\d.\s${OPERATORS}]`;
/**
 * At least one operator, starting with a digit: `10/9`, `(9+1)`, `2 * 3`. Math-Verify's pattern
 * is unbounded (`*`, `+`); bounded here so that a long run of digits and spaces costs linear time.
 */
const EXPRESSION = String.raw`(?<expr>-?\(?-?\d${EXPR_CHARS}{0,60}[${OPERATORS}]${EXPR_CHARS}{1,60}\)?)`;
const PREFIX = String.raw`(?:^|\s|=)(?:\*\*)?`;
const SUFFIX = String.raw`(?:\*\*)?(?:\.|,|:|\s|\)|\$|$)`;
const CURRENCY = '[$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₭₮₯₰₱₲₳₴₵₶₷₸₺₻₼₾₿]';
const EXPRESSION_ANCHORED = `(?:${PREFIX}${EXPRESSION}${SUFFIX})`;
const NUMBER_ANCHORED = `(?:${PREFIX}${CURRENCY}?${NUMBER})`;
const EXPRESSION_OR_NUMBER = `(?:${EXPRESSION_ANCHORED}|${NUMBER_ANCHORED})`;

const exprPatterns = (withoutAnchor: boolean): PatternSpec[] => {
  const specs: [string, number][] = [
    [`${ci('final answer is')}:?\\s*${EXPRESSION_OR_NUMBER}\\.?\\s?I hope`, 0],
    [`${ci('final answer')}.{0,100}?\\s+is:?${EXPRESSION_OR_NUMBER}`, 50],
    [`${ci('answer')}:(?:.{0,100}=\\s*|.{0,50}?)${EXPRESSION_OR_NUMBER}(?!\\s*=)`, 100],
    [`${ci('answer')}(?:.{0,100}=\\s*|.{0,50}?)${EXPRESSION_OR_NUMBER}(?!\\s*=)`, 200],
    // GSM8K's last line.
    [String.raw`####\s*${CURRENCY}?${NUMBER}`, 0],
  ];
  if (withoutAnchor) specs.push([EXPRESSION_ANCHORED, 300], [NUMBER_ANCHORED, 300]);
  return specs.map(([source, priority]) => ({ regex: new RegExp(source, 'gd'), priority, kind: 'expr' }));
};

const cache = new Map<string, PatternSpec[]>();

/** The patterns for a configuration (compiled once). */
export function answerPatterns(options: { latex: boolean; expr: boolean; withoutAnchor: boolean }): PatternSpec[] {
  const key = `${options.latex}${options.expr}${options.withoutAnchor}`;
  let specs = cache.get(key);
  if (!specs) {
    specs = [...(options.latex ? latexPatterns(options.withoutAnchor) : []), ...(options.expr ? exprPatterns(options.withoutAnchor) : [])];
    cache.set(key, specs);
  }
  return specs;
}
