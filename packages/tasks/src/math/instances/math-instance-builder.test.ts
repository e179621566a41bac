import { describe, expect, it } from 'vitest';
import { isSrlError, type Example } from '@srl/core';
import { NumberedDecomposer } from '../decompose/numbered-decomposer';
import { MATH_EVAL_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from '../prompts';
import { MathInstanceBuilder } from './math-instance-builder';

const solution = 'SOLUTION:\n1. **Isolate x** Subtract 3: $2x = 8$.\n2. **Divide by 2** $x = 4$.\n3. **State the answer** $\\boxed{4}$.';
const split = new NumberedDecomposer().split(solution)!;
const example: Example = { id: 'eq-1', problem: 'Solve $2x + 3 = 11$.', answer: '4', solution, steps: split.steps, stepTitles: split.titles };
const gsm: Example = { id: 'g-1', problem: 'How many clips?', answer: '72', steps: ['Natalia sold 48/2 = 24 clips in May.', 'Natalia sold 48+24 = 72 clips.'] };

describe('MathInstanceBuilder', () => {
  it('srl: one instance per step k = 1..N, context = problem + steps 1..k-1, target = step k', () => {
    const instances = new MathInstanceBuilder().build(example, 'srl');
    expect(instances.map((i) => i.id)).toEqual(['eq-1/srl/1', 'eq-1/srl/2', 'eq-1/srl/3']);
    expect(instances.map((i) => i.step)).toEqual([
      { index: 1, count: 3 },
      { index: 2, count: 3 },
      { index: 3, count: 3 },
    ]);
    // Figure 3: the target carries its number, as the context shows the earlier steps.
    expect(instances.map((i) => i.reference)).toEqual([
      '1. **Isolate x** Subtract 3: $2x = 8$.',
      '2. **Divide by 2** $x = 4$.',
      '3. **State the answer** $\\boxed{4}$.',
    ]);
    expect(instances[2].prompt[1].content.endsWith(instances[1].reference)).toBe(true);
    expect(new MathInstanceBuilder({ targetNumbering: 'bare' }).build(example, 'srl').map((i) => i.reference)).toEqual(split.steps);
    expect(instances[0].prompt).toEqual([
      { role: 'system', content: SRL_MATH_SYSTEM_PROMPT },
      { role: 'user', content: 'Question:\nSolve $2x + 3 = 11$.' },
    ]);
    expect(instances[2].prompt[1].content).toBe(
      'Question:\nSolve $2x + 3 = 11$.\n\nSolution so far:\n1. **Isolate x** Subtract 3: $2x = 8$.\n2. **Divide by 2** $x = 4$.',
    );
    expect(instances[1].metadata).toEqual({ title: 'Divide by 2', answer: '4' });
    expect(instances.every((i) => i.kind === 'srl' && i.exampleId === 'eq-1')).toBe(true);
  });

  it('srl with stepTitleInPrompt (footnote 1): the title goes into the prompt, the body is the target', () => {
    const instances = new MathInstanceBuilder({ stepTitleInPrompt: true }).build(example, 'srl');
    expect(instances.map((i) => i.reference)).toEqual(['Subtract 3: $2x = 8$.', '$x = 4$.', '$\\boxed{4}$.']);
    expect(instances[1].prompt[1].content).toBe(
      'Question:\nSolve $2x + 3 = 11$.\n\nSolution so far:\n1. **Isolate x** Subtract 3: $2x = 8$.\n\nNext step:\n2. **Divide by 2**',
    );
  });

  it('stepTitleInPrompt on untitled steps, and step instances without steps, are validation errors', () => {
    const untitled = () => new MathInstanceBuilder({ stepTitleInPrompt: true }).build(gsm, 'srl');
    expect(untitled).toThrow(/stepTitleInPrompt needs titled steps.*"g-1"/);
    const noSteps = () => new MathInstanceBuilder().build({ id: 'p', problem: 'x' }, 'srl');
    expect(noSteps).toThrow(/no expert steps/);
    try {
      noSteps();
    } catch (e) {
      expect(isSrlError(e) && e.kind).toBe('validation');
    }
  });

  it('rlvr: the evaluation prompt and the gold answer as reference', () => {
    const [rlvr] = new MathInstanceBuilder().build(example, 'rlvr');
    expect(rlvr).toMatchObject({ id: 'eq-1/rlvr', kind: 'rlvr', reference: '4' });
    expect(rlvr.prompt).toEqual([
      { role: 'system', content: MATH_EVAL_SYSTEM_PROMPT },
      { role: 'user', content: 'Solve $2x + 3 = 11$.' },
    ]);
    expect(() => new MathInstanceBuilder().build({ id: 'p', problem: 'x' }, 'rlvr')).toThrow(/no gold answer/);
  });

  it('sft whole: renumbered steps, plus a boxed answer unless the last step has one', () => {
    const [a] = new MathInstanceBuilder().build(example, 'sft');
    expect(a.reference).toBe('1. **Isolate x** Subtract 3: $2x = 8$.\n2. **Divide by 2** $x = 4$.\n3. **State the answer** $\\boxed{4}$.');
    const [b] = new MathInstanceBuilder().build(gsm, 'sft');
    expect(b.reference).toBe('1. Natalia sold 48/2 = 24 clips in May.\n2. Natalia sold 48+24 = 72 clips.\n\nThe final answer is $\\boxed{72}$.');
    expect(b.prompt[0].content).toBe(MATH_EVAL_SYSTEM_PROMPT);
    const [c] = new MathInstanceBuilder({ sftTarget: 'solution' }).build(example, 'sft');
    expect(c.reference).toBe(solution);
  });

  it('sft step-wise uses the SRL prompts', () => {
    const sft = new MathInstanceBuilder({ sftMode: 'steps' }).build(example, 'sft');
    const srl = new MathInstanceBuilder().build(example, 'srl');
    expect(sft.map((i) => i.prompt)).toEqual(srl.map((i) => i.prompt));
    expect(sft.map((i) => i.reference)).toEqual(srl.map((i) => i.reference));
    expect(sft[0].id).toBe('eq-1/sft/1');
  });

  it('prompts are overridable; an empty system prompt leaves the system message out', () => {
    const builder = new MathInstanceBuilder({ systemPrompt: 'Next step only.', evalSystemPrompt: '' });
    expect(builder.build(example, 'srl')[0].prompt[0]).toEqual({ role: 'system', content: 'Next step only.' });
    expect(builder.evalPrompt(example)).toEqual([{ role: 'user', content: 'Solve $2x + 3 = 11$.' }]);
  });
});

describe('MathInstanceBuilder srlMode "whole" (the one-step ablation)', () => {
  it('gives one srl instance per problem: the whole-solution prompt, the whole expert solution as reference', () => {
    const instances = new MathInstanceBuilder({ srlMode: 'whole' }).build(gsm, 'srl');
    expect(instances).toHaveLength(1);
    const [sft] = new MathInstanceBuilder().build(gsm, 'sft');
    expect(instances[0]).toEqual({ ...sft, id: 'g-1/srl', kind: 'srl' });
    expect(instances[0].reference).toBe('1. Natalia sold 48/2 = 24 clips in May.\n2. Natalia sold 48+24 = 72 clips.\n\nThe final answer is $\\boxed{72}$.');
    const [raw] = new MathInstanceBuilder({ srlMode: 'whole', sftTarget: 'solution' }).build(example, 'srl');
    expect(raw.reference).toBe(solution);
    // rlvr (evaluation, validation) instances are unchanged: the gold answer stays their reference.
    expect(new MathInstanceBuilder({ srlMode: 'whole' }).build(gsm, 'rlvr')[0].reference).toBe('72');
    expect(() => new MathInstanceBuilder({ srlMode: 'whole', sftTarget: 'solution' }).build(gsm, 'srl')).toThrow(
      /no solution, so it cannot give a whole-solution srl instance/,
    );
  });
});
