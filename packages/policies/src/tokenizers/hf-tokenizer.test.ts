import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildByteLevelBpeJson, byteToUnicode } from './byte-level-bpe-json';
import { BUILTIN_CHAT_TEMPLATES } from './chat-templates';
import { HfTokenizer } from './hf-tokenizer';
import { tinyQwen2TokenizerConfig, tinyQwen2TokenizerJson, writeTinyQwen2Tokenizer } from './testing/tiny-qwen2-tokenizer';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-hf-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new HfTokenizer({ tokenizerJson: tinyQwen2TokenizerJson(), tokenizerConfig: tinyQwen2TokenizerConfig() });

describe('byte-to-unicode table', () => {
  it('is GPT-2 bytes_to_unicode: printable bytes map to themselves, others to U+0100 onwards', () => {
    const t = byteToUnicode();
    expect(new Set(t).size).toBe(256);
    expect(t[0x41]).toBe('A');
    expect(t[0x20]).toBe('Ġ'); // space is U+0120 in every GPT-2 / Qwen2 vocabulary
    expect(t[0x0a]).toBe('Ċ'); // newline
    expect(t[0x00]).toBe('Ā');
    expect(t[0xad]).toBe('Ń'); // soft hyphen, the last non-printable
  });
});

describe('HfTokenizer over a tiny Qwen2-style BPE', () => {
  it('applies merges by rank, as BPE must (ids derived by hand from the merge list)', () => {
    // "the" -> t h (rank 0) -> th e (1) = 257; " cat": a t (4) first, then Ġ c (5), then Ġc at (6) = 262; " sat" = 264.
    expect(tok.encode('the cat sat')).toEqual([257, 262, 264]);
    // " the": t h (0) wins over Ġ t (2), then th e (1), then Ġ the (3) = 259; rank 2 never applies.
    expect(tok.encode(' the')).toEqual([259]);
    expect(tok.encode('hello world')).toEqual([268, 273]);
    // Qwen2 splits digits one by one; "=" is its own piece; unknown pieces fall back to bytes.
    expect(tok.encode('x=123')).toEqual([120, 61, 49, 50, 51]);
    // The split regex isolates " 🙂": Ġ, then the four UTF-8 bytes of U+1F642.
    expect(tok.encode('hi 🙂')).toEqual([104, 105, 32, 0xf0, 0x9f, 0x99, 0x82]);
  });

  it('splits special tokens out of the text', () => {
    expect(tok.encode('<|im_start|>the<|im_end|>\n')).toEqual([275, 257, 276, 10]);
    expect(tok.decode([275, 257, 276, 10])).toBe('<|im_start|>the<|im_end|>\n');
    expect(tok.decode([275, 257, 276, 10], { skipSpecialTokens: true })).toBe('the\n');
  });

  it('round-trips ASCII, accented text, CJK, emoji and whitespace exactly (NFC text)', () => {
    const texts = [
      'the cat sat on the mat.  Hello, world!\n\tTabs and  double  spaces ',
      'Ünïcödé: café, naïve, Ærøskøbing; Ελληνικά; русский',
      '中文测试，日本語のテキスト、한국어',
      'emoji 🙂👍🏽 family 👨‍👩‍👧 flags 🇫🇷 and \u{1F9EA}',
      "it's we'll they've I'M 3.14159 x^2 + y_1 <= 10 ... --- \r\n\r\n end",
      '',
    ];
    for (const text of texts) expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it('normalizes to NFC, as Qwen2 does', () => {
    const decomposed = 'cafe\u0301';
    expect(tok.decode(tok.encode(decomposed))).toBe('caf\u00e9');
  });

  it('reads the special tokens, vocabulary size and stop tokens from the config', () => {
    expect(tok.vocabSize).toBe(277);
    expect(tok.bosTokenId).toBeNull();
    expect(tok.eosTokenId).toBe(276);
    expect(tok.padTokenId).toBe(274);
    expect(tok.stopTokenIds).toEqual([276]);
    expect(tok.tokenToId('Ġworld')).toBe(273);
    expect(tok.tokenToId('nope')).toBeNull();
  });

  it('renders the Qwen2 chat template from tokenizer_config.json', () => {
    const chat = tok.applyChatTemplate([{ role: 'user', content: 'What is 2+3?' }], { addGenerationPrompt: true });
    expect(chat).toBe('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n');
    const withSystem = tok.applyChatTemplate([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ]);
    expect(withSystem).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n');
    expect(tok.encode(chat).slice(0, 3)).toEqual([275, 115, 121]); // <|im_start|> s y
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => tok.decode([1, 277])).toThrow(/token id 277 at position 1 is not in the tokenizer's vocabulary \(size 277\)/);
    expect(() => tok.decode([-1])).toThrow(/token id -1/);
    expect(tok.decode([])).toBe('');
  });

  it('loads from a folder, picks a template when the config has none, and saves to a loadable folder', () => {
    writeTinyQwen2Tokenizer(dir);
    const loaded = HfTokenizer.fromDir(dir);
    expect(loaded.encode('the cat sat')).toEqual([257, 262, 264]);
    expect(loaded.chatTemplate).toBe(BUILTIN_CHAT_TEMPLATES.qwen2);

    const bare = new HfTokenizer({ tokenizerJson: tinyQwen2TokenizerJson() });
    expect(bare.chatTemplate).toBe(BUILTIN_CHAT_TEMPLATES.chatml); // has <|im_start|> and <|im_end|>
    expect(bare.eosTokenId).toBeNull();
    const noMarkers = new HfTokenizer({ tokenizerJson: buildByteLevelBpeJson() });
    expect(noMarkers.chatTemplate).toBe(BUILTIN_CHAT_TEMPLATES.plain);
    expect(noMarkers.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe('User: Hi\n\nAssistant:');

    const chosen = new HfTokenizer({ tokenizerJson: tinyQwen2TokenizerJson(), tokenizerConfig: tinyQwen2TokenizerConfig(), chatTemplate: 'chatml' });
    const out = mkdtempSync(path.join(dir, 'saved-'));
    chosen.save(out);
    const reloaded = HfTokenizer.fromDir(out);
    expect(reloaded.chatTemplate).toBe(BUILTIN_CHAT_TEMPLATES.chatml);
    expect(reloaded.eosTokenId).toBe(276);
    expect(JSON.parse(readFileSync(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual(tinyQwen2TokenizerJson());
    expect(JSON.parse(readFileSync(path.join(out, 'tokenizer_config.json'), 'utf8'))).toEqual({
      ...tinyQwen2TokenizerConfig(),
      chat_template: BUILTIN_CHAT_TEMPLATES.chatml,
    });
  });

  it('takes chat_template.jinja when the config has no template', () => {
    const sub = mkdtempSync(path.join(dir, 'jinja-'));
    writeTinyQwen2Tokenizer(sub);
    const config = tinyQwen2TokenizerConfig();
    delete config.chat_template;
    writeFileSync(path.join(sub, 'tokenizer_config.json'), JSON.stringify(config));
    writeFileSync(path.join(sub, 'chat_template.jinja'), '{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}');
    expect(HfTokenizer.fromDir(sub).applyChatTemplate([{ role: 'user', content: 'x' }])).toBe('[user] x\n');
  });

  it('reports a missing tokenizer.json and a special token not in the vocabulary', () => {
    expect(() => HfTokenizer.fromDir(path.join(dir, 'nowhere'))).toThrow(/no tokenizer.json in/);
    expect(() => new HfTokenizer({ tokenizerJson: tinyQwen2TokenizerJson(), tokenizerConfig: { eos_token: '</s>' } })).toThrow(
      /eos_token "<\/s>" is not in the vocabulary/,
    );
  });
});
