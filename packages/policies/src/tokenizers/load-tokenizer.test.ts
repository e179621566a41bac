import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteTokenizer } from './byte-tokenizer';
import { HfTokenizer } from './hf-tokenizer';
import { loadTokenizer } from './load-tokenizer';
import { writeTinyQwen2Tokenizer } from './testing/tiny-qwen2-tokenizer';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-load-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadTokenizer', () => {
  it('builds a byte tokenizer from a spec', () => {
    const tok = loadTokenizer({ kind: 'byte', chatTemplate: 'plain' });
    expect(tok).toBeInstanceOf(ByteTokenizer);
    expect(tok.applyChatTemplate([{ role: 'user', content: 'q' }])).toBe('User: q\n\n');
  });

  it('loads a Hugging Face tokenizer from a folder or an hf spec', () => {
    writeTinyQwen2Tokenizer(dir);
    const tok = loadTokenizer(dir);
    expect(tok).toBeInstanceOf(HfTokenizer);
    expect(tok.encode('hello world')).toEqual([268, 273]);
    expect(loadTokenizer({ kind: 'hf', dir, chatTemplate: 'plain' }).applyChatTemplate([{ role: 'user', content: 'q' }])).toBe('User: q\n\n');
  });

  it('says what is missing', () => {
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    expect(() => loadTokenizer(empty)).toThrow(/no tokenizer in .*empty-.*: expected tokenizer.json/);
    expect(() => loadTokenizer({ kind: 'sentencepiece' } as never)).toThrow(/unknown tokenizer kind "sentencepiece"/);
  });
});
