import { describe, expect, it } from 'vitest';
import { utf8Lines } from './utf8-lines';

describe('utf8Lines', () => {
  it('decodes lines strictly and reports the line that is not UTF-8', () => {
    const bytes = new Uint8Array([...Buffer.from('{"a":"é"}\r\n'), ...Buffer.from('{"b":"'), 0xe9, ...Buffer.from('t"}\n\n')]);
    expect(utf8Lines(bytes)).toEqual([
      { line: 1, text: '{"a":"é"}' },
      { line: 2, text: null, problem: 'not valid UTF-8 (at column 7); save the file as UTF-8' },
      { line: 3, text: '' },
    ]);
  });
});
