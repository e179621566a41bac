import { describe, expect, it } from 'vitest';
import { Gsm8kLinesDecomposer } from './gsm8k-lines-decomposer';

// Real rows of GSM8K train (lines 1, 2618 and 346 of train.jsonl), verbatim.
const natalia = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72';
const mark =
  'Total square footage is 16*10=<<16*10=160>>160 square feet\n\nThere are 3+3=<<3+3=6>>6 rooms\n6-1=<<6-1=5>>5 of them are the same size\nIf x is the size of the normal room then the square footage of all rooms is 5x+3x=8x\nSo each room is 160/8=<<160/8=20>>20 square feet\nSo the living room is 20*3=<<20*3=60>>60 square feet\n#### 60';
const adam =
  "The amount of money deducted from Adam's daily pay is $40 / 10 = $<<40/10=4>>4.\nSo after deducting 10%, Adam\u2019s daily pay is $40 \u2013 $4 = $<<40-4=36>>36.\nThis means that in 30 days he earns $36 * 30 = $<<36*30=1080>>1080.\n#### 1,080";

describe('Gsm8kLinesDecomposer', () => {
  it('splits one step per line, strips calculator annotations by default, reads the #### answer', () => {
    expect(new Gsm8kLinesDecomposer().split(natalia)).toEqual({
      steps: ['Natalia sold 48/2 = 24 clips in May.', 'Natalia sold 48+24 = 72 clips altogether in April and May.'],
      answer: '72',
    });
  });

  it('keeps the annotations when asked', () => {
    const split = new Gsm8kLinesDecomposer({ annotations: 'keep' }).split(natalia);
    expect(split?.steps).toEqual(['Natalia sold 48/2 = <<48/2=24>>24 clips in May.', 'Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.']);
  });

  it('ignores blank lines and annotations glued to "=" and "$"', () => {
    const split = new Gsm8kLinesDecomposer().split(mark);
    expect(split?.steps).toHaveLength(6);
    expect(split?.steps[0]).toBe('Total square footage is 16*10=160 square feet');
    expect(split?.steps[1]).toBe('There are 3+3=6 rooms');
    expect(split?.answer).toBe('60');
    expect(new Gsm8kLinesDecomposer().split(adam)?.steps[2]).toBe('This means that in 30 days he earns $36 * 30 = $1080.');
  });

  it('removes thousands separators from the answer', () => {
    expect(new Gsm8kLinesDecomposer().split(adam)?.answer).toBe('1080');
  });

  it('returns null without a final #### line, with an empty answer, or with no step', () => {
    const d = new Gsm8kLinesDecomposer();
    expect(d.split('Natalia sold 24 clips.\nThe answer is 72')).toBeNull();
    expect(d.split('#### 72\nNatalia sold 24 clips.')).toBeNull();
    expect(d.split('Natalia sold 24 clips.\n####   ')).toBeNull();
    expect(d.split('#### 72')).toBeNull();
    expect(d.split('')).toBeNull();
  });
});
