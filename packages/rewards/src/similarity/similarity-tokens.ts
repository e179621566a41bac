/**
 * The `words` tokenization of the token-level similarity rewards, one regular expression (flags `gu`). In order:
 * - a LaTeX command: a backslash and its letters (`\frac`, `\sqrt`);
 * - a word: letters (with combining marks), optionally joined by apostrophes (`don't`, `Natalia's`);
 * - a number: digits, optionally with inner `.` or `,` groups (`3.5`, `1,000`, `0.25`; `72.` is `72` then `.`);
 * - any other character that is not whitespace, alone: punctuation and math symbols (`$`, `=`, `+`, `(`, `<`).
 * Whitespace separates tokens and is never one. So `48/2 = $24.` is `48 / 2 = $ 24 .`, and `x2` is `x 2`.
 */
export const WORD_TOKEN_PATTERN = String.raw`\\[A-Za-z]+|[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*|\S`;

/** `words`: {@link WORD_TOKEN_PATTERN}; `characters`: Unicode code points (as Python iterates a str), whitespace included. */
export type TextTokenization = 'words' | 'characters';

const WORD = new RegExp(WORD_TOKEN_PATTERN, 'gu');

/** Splits a text into the tokens that the word- or character-level similarity rewards compare. */
export function similarityTokens(text: string, mode: TextTokenization): string[] {
  return mode === 'characters' ? Array.from(text) : (text.match(WORD) ?? []);
}
