import { describe, expect, it } from 'vitest';
import { openRlhfInputs, openRlhfResponse, splitResponse } from './openrlhf-protocol';

describe('OpenRLHF protocol', () => {
  it('splits the response off the decoded query: left padding before the prompt, end and pad tokens after', () => {
    const prompt = '<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n';
    expect(splitResponse(`<|endoftext|><|endoftext|>${prompt}4<|im_end|><|endoftext|><|endoftext|>`, prompt, ['<|endoftext|>', '<|im_end|>'], 'q')).toBe('4');
    expect(splitResponse(`${prompt}4 <|im_end|> then more`, prompt, ['<|im_end|>'], 'q')).toBe('4 <|im_end|> then more'); // only trailing tokens go
    expect(splitResponse('abc', '', ['<pad>'], 'q')).toBe('abc');
    expect(() => splitResponse('abc', 'xyz', [], 'query[3]')).toThrow(/query\[3\]: query does not contain its prompt/);
  });

  it('maps labels to references (numbers as text) and keeps the prompt', () => {
    expect(openRlhfInputs({ query: ['p: a', 'p: b'], prompts: ['p: ', 'p: '], labels: ['a', 18] })).toEqual([
      { completion: 'a', prompt: 'p: ', reference: 'a' },
      { completion: 'b', prompt: 'p: ', reference: '18' },
    ]);
    expect(openRlhfInputs({ query: ['p: a'], prompts: ['p: '], labels: null })).toEqual([{ completion: 'a', prompt: 'p: ' }]);
  });

  it('answers rewards, scores and every component as a list, nulls kept', () => {
    expect(
      openRlhfResponse([
        { reward: 0.5, components: { similarity: 0.5, format_ok: 1 } },
        { reward: null, components: { similarity: null } },
      ]),
    ).toEqual({
      rewards: [0.5, null],
      scores: [0.5, null],
      extra_logs: { similarity: [0.5, null], format_ok: [1, null] },
    });
  });
});
