import { describe, expect, it } from 'vitest';
import { normalizeLatex, recoverControlEscapes } from './normalize-latex';

const latex = (s: string): string | null => {
  const n = normalizeLatex(s);
  return n && (n.kind === 'latex' ? `${n.latex}${n.percent ? ' [%]' : ''}` : `text:${n.text}`);
};

describe('normalizeLatex', () => {
  it.each([
    ['14{,}916', '14916'],
    ['10,\\!080', '10080'],
    ['11,\\! 111,\\! 111,\\! 100', '11111111100'],
    ['10,455', '10455'],
    ['(12,102)', '(12,102)'],
    ['32, 349', '32, 349'],
    ['\\$32,\\!348', '32348'],
    ['\\left( \\frac{1}{3} \\right)', '( \\frac{1}{3} )'],
    ['\\dfrac{1}{3}', '\\frac{1}{3}'],
    ['90^\\circ', '90'],
    ['120^{\\circ}', '120'],
    ['28\\%', '28 [%]'],
    ['28 percent', '28 [%]'],
    ['\\frac{1}{3} \\text{meters}', '\\frac{1}{3}'],
    ['15\\mbox{ cm}^2', '15'],
    ['5.4 \\text{ cents}', '5.4'],
    ['35 cm', '35'],
    ['2 \\sin b \\cos a', '2 \\sin b \\cos a'],
    ['12\\text{ and }13', '12, 13'],
    ['1\\frac{4}{5}', '(1+\\frac{4}{5})'],
    ['a\\,b\\;c\\!d\\ e\\quad f', 'a b c d e f'],
    ['x = 3.', 'x = 3'],
    ['5!', '5!'],
    ['np.arcsin(10/13)', '\\arcsin(10/13)'],
    ['sqrt(2)', '\\sqrt{2}'],
    ['\\\\frac{1}{2}', '\\frac{1}{2}'],
    ['\\textbf{(113) }', '(113)'],
    ['L_{\\odot}', 'L_{odot}'],
    ['\\text{Evelyn}', 'text:Evelyn'],
    ['\\text{(C)}', 'text:(C)'],
    ['$\\boxed{1}\\boxed{2}$', '1, 2'],
    ['', null],
  ])('%j → %j', (input, expected) => {
    expect(latex(input)).toBe(expected);
  });

  it('keeps matrix row breaks (\\\\ is not the spacing command "\\ ")', () => {
    expect(latex('\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}')).toBe('\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}');
  });

  it('restores commands whose backslash became a control character (\\f → form feed)', () => {
    expect(recoverControlEscapes('-\x0crac{7}{4} \times 2')).toBe('-\\frac{7}{4} \\times 2');
  });
});
