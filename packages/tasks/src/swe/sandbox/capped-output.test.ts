import { describe, expect, it } from 'vitest';
import { CappedOutput } from './capped-output';

describe('CappedOutput', () => {
  it('keeps everything under the cap', () => {
    const out = new CappedOutput(10);
    out.push(Buffer.from('abc'));
    out.push(Buffer.from('def'));
    expect(out.text()).toBe('abcdef');
    expect(out.truncated).toBe(false);
  });

  it('keeps the head and the tail of a long output, with a marker saying how much was dropped', () => {
    const out = new CappedOutput(10);
    for (const chunk of ['0123', '4567', '89ab', 'cdef', 'ghij']) out.push(Buffer.from(chunk));
    expect(out.truncated).toBe(true);
    expect(out.total).toBe(20);
    expect(out.text()).toBe('01234\n<output truncated: 10 of 20 bytes omitted>\nfghij');
  });
});
