import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteTokenizer } from './byte-tokenizer';
import { HfTokenizer } from './hf-tokenizer';
import { loadTokenizer } from './load-tokenizer';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-byte-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new ByteTokenizer();

const samples = [
  'plain ASCII: the cat sat on the mat.',
  'Ünïcödé café, Ελληνικά, русский, 中文，日本語',
  'emoji 🙂👍🏽 👨‍👩‍👧 🇫🇷',
  '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
  'specials glued<|eos|><|bos|>x<|pad|>y<|im_end',
  '\u0000 control \u0007 and \r\n line ends \t',
  '',
];

describe('ByteTokenizer', () => {
  it('maps text to its UTF-8 bytes', () => {
    expect(tok.encode('hi')).toEqual([104, 105]);
    expect(tok.encode('é🙂')).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x99, 0x82]);
    expect(tok.encode('hi', { addSpecialTokens: true })).toEqual([256, 104, 105]);
    expect(tok.vocabSize).toBe(261);
  });

  it('splits special tokens out of the text, and only complete ones', () => {
    expect(tok.encode('a<|eos|>b<|im_end')).toEqual([97, 257, 98, ...Buffer.from('<|im_end')]);
    expect(tok.encode('<|im_start|><|im_end|>')).toEqual([259, 260]);
  });

  it('round-trips any text exactly, and can drop special tokens', () => {
    for (const text of samples) expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode(tok.encode('<|bos|>Hi<|im_end|>'), { skipSpecialTokens: true })).toBe('Hi');
  });

  it('decodes invalid UTF-8 (a model may emit any byte) with replacement characters', () => {
    expect(tok.decode([0x68, 0xff, 0x69])).toBe('h\ufffdi');
    expect(tok.decode([0xf0, 0x9f, 257])).toBe('\ufffd<|eos|>'); // a cut-off emoji, then EOS
    expect(() => tok.decode([261])).toThrow(/token id 261 at position 0 is outside the byte tokenizer's vocabulary \[0, 261\)/);
  });

  it('uses ChatML by default and stops on <|eos|> and <|im_end|>', () => {
    expect(tok.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(tok.stopTokenIds).toEqual([257, 260]);
    const plain = new ByteTokenizer({ chatTemplate: 'plain' });
    expect(plain.stopTokenIds).toEqual([257]);
    expect(plain.applyChatTemplate([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe('User: Hi\n\nAssistant:');
    expect(tok.tokenToId('<|im_end|>')).toBe(260);
    expect(tok.tokenToId('a')).toBe(97);
    expect(tok.tokenToId('ab')).toBeNull();
  });

  it('saves a Hugging Face byte-level tokenizer.json that gives the same ids and text', () => {
    const extra = new ByteTokenizer({ extraSpecialTokens: ['<think>', '</think>'] });
    extra.save(dir);
    const hf = HfTokenizer.fromDir(dir);
    expect(hf.vocabSize).toBe(extra.vocabSize);
    expect([hf.bosTokenId, hf.eosTokenId, hf.padTokenId]).toEqual([256, 257, 258]);
    for (const text of [...samples, 'a <think>why</think> b']) {
      expect(hf.encode(text)).toEqual(extra.encode(text));
      expect(hf.encode(text, { addSpecialTokens: true })).toEqual(extra.encode(text, { addSpecialTokens: true }));
      expect(hf.decode(extra.encode(text))).toBe(text);
    }
    expect(hf.stopTokenIds).toEqual(extra.stopTokenIds);
  });

  it('reloads from a saved folder through loadTokenizer, extras and template included', () => {
    const saved = new ByteTokenizer({ chatTemplate: 'plain', extraSpecialTokens: ['<tool>'] });
    const sub = mkdtempSync(path.join(dir, 'byte-'));
    saved.save(sub);
    const loaded = loadTokenizer(sub);
    expect(loaded).toBeInstanceOf(ByteTokenizer);
    expect((loaded as ByteTokenizer).specialTokens).toEqual(saved.specialTokens);
    expect(loaded.chatTemplate).toBe(saved.chatTemplate);
    expect(loaded.encode('x<tool>')).toEqual([120, 261]);

    const config = JSON.parse(readFileSync(path.join(sub, 'tokenizer_config.json'), 'utf8'));
    writeFileSync(path.join(sub, 'tokenizer_config.json'), JSON.stringify({ ...config, eos_token: '</s>' }));
    expect(() => loadTokenizer(sub)).toThrow(/byte tokenizer special tokens are .*"<\/s>".*expected/);
  });

  it('refuses duplicate special tokens', () => {
    expect(() => new ByteTokenizer({ extraSpecialTokens: ['<|eos|>'] })).toThrow(/must be unique and non-empty/);
  });
});
