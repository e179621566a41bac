/**
 * The content of the last `\boxed{...}` (or `\fbox{...}`) in a text, with balanced braces
 * (escaped `\{` and `\}` do not count); also the brace-less form `\boxed 5`. Returns null when
 * there is none or its braces never close. (Minerva Math's gold answer is defined this way.)
 */
export function lastBoxed(text: string): string | null {
  const re = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  let start = -1;
  let end = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    start = m.index;
    end = m.index + m[0].length;
  }
  if (start < 0) return null;
  let i = end;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== '{') {
    if (i === end) return null; // `\boxedx`-like junk cannot happen (lookahead); `\boxed$` has no content
    const bare = /^[^\s$]+/.exec(text.slice(i));
    return bare ? bare[0] : null;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++; // skip the escaped character (`\{`, `\}`, `\\`)
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(i + 1, j).trim();
    }
  }
  return null;
}
