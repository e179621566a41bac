import { Default, SrlError, StringEnum, Type, type PluginOptions, type TokenEncoder } from '@srl/core';
import { similarityTokens, type TextTokenization } from './similarity-tokens';

/** What a token-level similarity reward compares: words, characters, or the policy's own token ids; declared once. */
export const TOKEN_SEQUENCE_SCHEMA_PROPERTIES = {
  /** `words` (see WORD_TOKEN_PATTERN), `characters` (code points) or `policy` (the trained policy's tokenizer). */
  tokens: Default(
    StringEnum(['words', 'characters', 'policy'] satisfies readonly (TextTokenization | 'policy')[], {
      description: "words: words, numbers and symbols; characters: code points; policy: the trained policy's tokenizer",
    }),
    'words',
  ),
  lowercase: Default(Type.Boolean({ description: 'lower-case both texts before tokenizing' }), false),
};
const tokenSequenceSchema = Type.Object(TOKEN_SEQUENCE_SCHEMA_PROPERTIES);
export type TokenSequenceOptions = PluginOptions<typeof tokenSequenceSchema>;

/** Refuses `tokens: "policy"` without a tokenizer, when the reward is created rather than on its first batch. */
export function checkTokenSource(name: string, options: TokenSequenceOptions, tokenizer: TokenEncoder | undefined): void {
  if (options.tokens === 'policy' && !tokenizer) {
    throw new SrlError(
      'validation',
      `${name}: tokens: "policy" needs a policy's tokenizer, and there is none here: only a training stage (srl train) gives its rewards the policy's tokenizer, \`srl reward\` and evaluation do not; use tokens: "words" or "characters" there`,
    );
  }
}

/**
 * A text-to-sequence function for one batch: each distinct text is tokenized once, and word/character tokens are
 * interned to integers (equal tokens, equal numbers) so the O(n·m) comparisons compare numbers.
 */
export function tokenSequences(options: TokenSequenceOptions, tokenizer?: TokenEncoder): (text: string) => Int32Array {
  const cache = new Map<string, Int32Array>();
  const symbols = new Map<string, number>();
  const intern = (token: string): number => {
    let id = symbols.get(token);
    if (id === undefined) symbols.set(token, (id = symbols.size));
    return id;
  };
  return (text) => {
    let sequence = cache.get(text);
    if (!sequence) {
      const source = options.lowercase ? text.toLowerCase() : text;
      if (options.tokens === 'policy') {
        if (!tokenizer) throw new SrlError('runtime', 'tokens: "policy" without a tokenizer (checkTokenSource was skipped)');
        sequence = Int32Array.from(tokenizer.encode(source));
      } else {
        sequence = Int32Array.from(similarityTokens(source, options.tokens), intern);
      }
      cache.set(text, sequence);
    }
    return sequence;
  };
}
