import { describe, expect, it } from 'vitest';
import { parseSrlOutput, type ParsedSrlOutput } from './parse-srl-output';

const code = (r: ParsedSrlOutput): string => (r.ok ? 'ok' : r.code);

describe('parseSrlOutput', () => {
  it('splits the monologue from the step and trims the step only', () => {
    const r = parseSrlOutput('<think>\nLet me compute 48/2.\n</think>\n\n2. **Halve** 48/2 = 24 clips in May.\n');
    expect(r).toEqual({ ok: true, think: '\nLet me compute 48/2.\n', action: '2. **Halve** 48/2 = 24 clips in May.' });
  });

  it('allows whitespace but not text before <think> (unless allowed)', () => {
    expect(code(parseSrlOutput('  \n<think>a</think>step'))).toBe('ok');
    expect(code(parseSrlOutput('Sure! <think>a</think>step'))).toBe('text-before-think');
    expect(parseSrlOutput('Sure! <think>a</think>step', { allowTextBeforeThink: true })).toEqual({ ok: true, think: 'a', action: 'step' });
  });

  it('requires a think block by default', () => {
    expect(code(parseSrlOutput('48/2 = 24'))).toBe('missing-think');
    expect(parseSrlOutput('  48/2 = 24 ', { requireThink: false })).toEqual({ ok: true, think: '', action: '48/2 = 24' });
    // A think block is still parsed when not required.
    expect(parseSrlOutput('<think>x</think> y', { requireThink: false })).toEqual({ ok: true, think: 'x', action: 'y' });
    expect(code(parseSrlOutput('reasoning </think> step'))).toBe('missing-think');
    expect(code(parseSrlOutput('</think> <think>x</think> step'))).toBe('missing-think');
  });

  it('rejects an unclosed, a nested and a repeated think block', () => {
    expect(code(parseSrlOutput('<think>never closed, 48/2 = 24'))).toBe('unclosed-think');
    expect(code(parseSrlOutput('<think>a <think>b</think> c</think> step'))).toBe('nested-think');
    expect(code(parseSrlOutput('<think>a</think> step </think>'))).toBe('repeated-think');
    expect(code(parseSrlOutput('<think>a</think> step <think>b</think> other'))).toBe('repeated-think');
  });

  it('reads completions whose prompt opened the think block (thinkOpenInPrompt)', () => {
    const rules = { thinkOpenInPrompt: true };
    expect(parseSrlOutput('draft\n</think>\nx = 3', rules)).toEqual({ ok: true, think: 'draft\n', action: 'x = 3' });
    expect(parseSrlOutput('<think>draft</think> x = 3', rules)).toEqual({ ok: true, think: 'draft', action: 'x = 3' });
    expect(code(parseSrlOutput('draft <think> again </think> x', rules))).toBe('nested-think');
    expect(code(parseSrlOutput('only a draft', rules))).toBe('unclosed-think');
  });

  it('unwraps an optional <solution> and rejects broken wrappers', () => {
    expect(parseSrlOutput('<think>t</think>\n<solution>\n x = 3 \n</solution>\n')).toEqual({ ok: true, think: 't', action: 'x = 3' });
    expect(code(parseSrlOutput('<think>t</think><solution>x = 3'))).toBe('solution-tags');
    expect(code(parseSrlOutput('<think>t</think>x = 3</solution>'))).toBe('solution-tags');
    expect(code(parseSrlOutput('<think>t</think>so <solution>x = 3</solution>'))).toBe('solution-tags');
    expect(code(parseSrlOutput('<think>t</think><solution>x</solution> and more'))).toBe('solution-tags');
    expect(code(parseSrlOutput('<think>t</think><solution>a</solution><solution>b</solution>'))).toBe('solution-tags');
    expect(code(parseSrlOutput('<think>t</think>x = 3', { solutionWrapper: 'required' }))).toBe('missing-solution');
    expect(code(parseSrlOutput('<think>t</think><solution>x</solution>', { solutionWrapper: 'required' }))).toBe('ok');
    expect(code(parseSrlOutput('<think>t</think><solution>x</solution>', { solutionWrapper: 'forbidden' }))).toBe('solution-tags');
  });

  it('rejects an empty step unless allowed', () => {
    expect(code(parseSrlOutput('<think>t</think>'))).toBe('empty-step');
    expect(code(parseSrlOutput('<think>t</think> \n\t '))).toBe('empty-step');
    expect(code(parseSrlOutput('<think>t</think><solution> </solution>'))).toBe('empty-step');
    expect(parseSrlOutput('<think>t</think>', { allowEmptyStep: true })).toEqual({ ok: true, think: 't', action: '' });
  });

  it("rejects a second step header line (an unindented `k.` line, the tasks' own format), and only that", () => {
    const two = '<think>t</think>\n2. **Halve** 48/2 = 24\n3. **Add** 48+24 = 72';
    expect(code(parseSrlOutput(two))).toBe('multiple-steps');
    expect(code(parseSrlOutput(two, { singleStep: false }))).toBe('ok');
    for (const second of ['4. add', '5.', '10.\tthen add']) {
      expect(code(parseSrlOutput(`<think>t</think>2. **Halve** 24\n${second}`)), second).toBe('multiple-steps');
    }
    // Prose before a header still makes two steps.
    expect(code(parseSrlOutput('<think>t</think>First halve.\n2. **Add** 72'))).toBe('multiple-steps');
    // Not step headers: what the decomposers keep inside a step (indented sub-lists, `Step k` lines, other list
    // styles), numbers that are not headers, and a header on the first line only.
    for (const body of [
      '2. **Halve** 48/2\n= 24',
      'x = 3.5\n3.5 cm of rope\n12.0 is the total',
      '\n\n2. **Halve**\n    10. indented code',
      'The steps 2. and 3. are done',
      '2. **Cases** Two cases:\n   1. $x > 0$\n   2. $x < 0$',
      '3. **Plan** Step 1: halve.\nStep 2: add.\n**Step 3** check\n## Step 4',
      '1. **List** items:\n3) a\n- b\n * c',
    ]) {
      expect(code(parseSrlOutput(`<think>t</think>${body}`)), body).toBe('ok');
    }
    expect(code(parseSrlOutput('<think>t</think>a\n- b', { stepHeaderPattern: '^- ' }))).toBe('multiple-steps');
    expect(code(parseSrlOutput('<think>t</think>Step 1: a\nStep 2: b', { stepHeaderPattern: String.raw`^step\s+\d+\b` }))).toBe('multiple-steps');
  });

  it("reads lines inside a tool call's parameter values as the call's data, not as step headers (SWE steps)", () => {
    const call =
      '<function=str_replace_editor>\n<parameter=command>create</parameter>\n<parameter=file_text># Install\n1. Clone.\n2. Run make.\n</parameter>\n</function>';
    const r = parseSrlOutput(`<think>t</think>\n${call}`);
    expect(r.ok && r.action).toBe(call);
    // Outside a parameter, a header line is still a second step; an unclosed parameter protects nothing.
    expect(code(parseSrlOutput(`<think>t</think>\n${call}\n2. **Then** test`))).toBe('multiple-steps');
    expect(code(parseSrlOutput('<think>t</think>\n<function=bash>\n<parameter=command>ls\n2. x\n</function>'))).toBe('multiple-steps');
  });

  it('keeps the step text inside untouched', () => {
    const step = '1. **Set up** Let $n$ be the people: $4n + n = 240$ \\\\ \n  so $5n = 240$.';
    const r = parseSrlOutput(`<think>x</think>${step}`);
    expect(r.ok && r.action).toBe(step);
  });
});
