import { describe, expect, it } from 'vitest';
import type { Example } from '@srl/core';
import { MATH_BENCHMARK_TASKS, SHARED_DATA_TASKS } from '../src/math/tasks/shared-data-tasks';
import { MATH_EVAL_SYSTEM_PROMPT } from '../src/math/prompts';
import { createPlugin, sharedData } from './helpers/task-registry';

async function loadTest(name: string): Promise<{ examples: Example[]; skipped: unknown[] }> {
  const task = await createPlugin('task', [name, { dataDir: sharedData }]);
  return task.load('test', { strict: true });
}

describe('math benchmarks from shared/data', () => {
  it('lists the five benchmarks with their expected sizes', () => {
    expect(MATH_BENCHMARK_TASKS.map((b) => b.task)).toEqual(['math/gsm8k', 'math/math500', 'math/aime24', 'math/amc23', 'math/minerva']);
    const sizes = Object.fromEntries(SHARED_DATA_TASKS.map((t) => [t.name, t.expectedRows.test]));
    expect(sizes).toEqual({ 'math/gsm8k': 1319, 'math/math500': 500, 'math/aime24': 30, 'math/amc23': 40, 'math/minerva': 272 });
  });

  it.each(SHARED_DATA_TASKS.map((t) => [t.name, t.expectedRows.test] as const))(
    '%s test loads %i rows in strict mode, each with a clean gold answer and a unique id',
    async (name, rows) => {
      const { examples, skipped } = await loadTest(name);
      expect(skipped).toEqual([]);
      expect(examples).toHaveLength(rows);
      expect(new Set(examples.map((e) => e.id)).size).toBe(rows);
      for (const e of examples) {
        expect(e.problem.trim().length).toBeGreaterThan(0);
        expect(typeof e.answer).toBe('string');
        expect(e.answer).toBe(e.answer!.trim());
        expect(e.answer).not.toBe('');
        expect(e.answer).not.toMatch(/^[-+]?0\d|^\d{1,3}(,\d{3})+$/); // no leading zeros, no thousands separators
      }
    },
  );

  it('reads the right gold answers', async () => {
    const byId = (examples: Example[]) => new Map(examples.map((e) => [e.id, e.answer]));
    const gsm = (await loadTest('math/gsm8k')).examples;
    expect(gsm[0]).toMatchObject({ id: 'test-1', answer: '18' });
    expect(gsm[0].steps?.[0]).toBe('Janet sells 16 - 3 - 4 = 9 duck eggs a day.');
    const math500 = byId((await loadTest('math/math500')).examples);
    expect(math500.get('test/precalculus/807.json')).toBe('\\left( 3, \\frac{\\pi}{2} \\right)');
    expect(math500.get('test/counting_and_probability/737.json')).toBe('58500');
    const aime = byId((await loadTest('math/aime24')).examples);
    expect([aime.get('60'), aime.get('67'), aime.get('85')]).toEqual(['204', '25', '80']);
    const amc = (await loadTest('math/amc23')).examples;
    expect(amc.slice(0, 5).map((e) => e.answer)).toEqual(['27', '36', '45', '3159', '36']);
    expect(amc.map((e) => e.answer)).toContain('-1');
    const minerva = byId((await loadTest('math/minerva')).examples);
    expect(minerva.get('0')).toBe('1.6');
    expect(minerva.get('12')).toBe('\\frac{2 \\pi c^{2} R^{2}}{\\lambda^{5}\\left[e^{h c /(\\lambda k T)}-1\\right] d^{2}}');
  });

  it('gives rlvr instances with the evaluation prompt and the gold answer, and keeps row metadata', async () => {
    const task = await createPlugin('task', ['math/math500', { dataDir: sharedData }]);
    const [first] = (await task.load('test', { limit: 1 })).examples;
    expect(first.metadata).toMatchObject({ subject: 'Precalculus', level: 2, line: 1 });
    const [rlvr] = task.instances(first, 'rlvr');
    expect(rlvr.reference).toBe('\\left( 3, \\frac{\\pi}{2} \\right)');
    expect(rlvr.prompt[0]).toEqual({ role: 'system', content: MATH_EVAL_SYSTEM_PROMPT });
    expect(rlvr.prompt[1].content).toBe(first.problem);
  });

  it('finds the data folder without options (walking up to ../shared/data) and names unknown splits', async () => {
    const task = await createPlugin('task', 'math/aime24');
    expect(task.splits()).toEqual(['test']);
    expect((await task.load('test')).examples).toHaveLength(30);
    await expect(task.load('train')).rejects.toThrow(/task "math\/aime24" has no split "train"; its splits are: test/);
  });
});
