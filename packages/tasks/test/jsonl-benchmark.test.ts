import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlugin } from './helpers/task-registry';

const dir = mkdtempSync(path.join(tmpdir(), 'srl-jsonl-benchmark-'));
writeFileSync(
  path.join(dir, 'my-bench.jsonl'),
  [
    { uid: 7, prompt: 'What is 3 * 4?', target: 12, work: 'Multiply.\n\n$3 \\cdot 4 = \\boxed{12}$' },
    { uid: 8, prompt: 'What is 10 - 13?', target: -3, work: 'Subtract.\n\n$\\boxed{-3}$' },
    { uid: 9, prompt: 'What is 0.5 + 0.25?', target: 0.75, work: 'Add.\n\n$\\boxed{0.75}$' },
    { uid: 10, prompt: 'Bad answer type', target: [1], work: 'x' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);

describe('jsonl-benchmark', () => {
  it('loads a benchmark with its own field names and integer answers, from options alone', async () => {
    const task = await createPlugin(
      'task',
      ['jsonl-benchmark', { path: 'my-bench.jsonl', problemField: 'prompt', answerField: 'target', idField: 'uid' }],
      dir,
    );
    expect(task.name).toBe('jsonl-benchmark/my-bench');
    expect(task.splits()).toEqual(['test']);
    const { examples, skipped } = await task.load('test');
    expect(examples.map((e) => [e.id, e.problem, e.answer])).toEqual([
      ['7', 'What is 3 * 4?', '12'],
      ['8', 'What is 10 - 13?', '-3'],
      ['9', 'What is 0.5 + 0.25?', '0.75'],
    ]);
    expect(skipped).toEqual([{ file: path.join(dir, 'my-bench.jsonl'), line: 4, reason: 'field "target": expected a string or a number, found object [1]' }]);
    expect(task.instances(examples[0], 'rlvr')[0].reference).toBe('12');
    expect(task.evalMetric).toEqual({ name: 'accuracy', reward: 'math-answer' });
  });

  it('extracts the answer from the last \\boxed{} and splits solutions with a decomposer', async () => {
    const task = await createPlugin('task', [
      'jsonl-benchmark',
      {
        path: path.join(dir, 'my-bench.jsonl'),
        name: 'mine',
        split: 'dev',
        problemField: 'prompt',
        answerField: 'work',
        answerExtraction: 'last-boxed',
        solutionField: 'work',
        decomposer: 'paragraphs',
      },
    ]);
    expect(task.name).toBe('mine');
    const { examples, skipped } = await task.load('dev');
    expect(examples.map((e) => [e.id, e.answer])).toEqual([
      ['dev-1', '12'],
      ['dev-2', '-3'],
      ['dev-3', '0.75'],
    ]);
    expect(examples[0].steps).toEqual(['Multiply.', '$3 \\cdot 4 = \\boxed{12}$']);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [4, 'field "work" has no answer to extract: expected a \\boxed{...} with balanced braces, found "x"'],
    ]);
    expect(task.instances(examples[0], 'srl')).toHaveLength(2);
  });

  it('reads GSM8K-style "#### x" answers', async () => {
    writeFileSync(path.join(dir, 'gsm.jsonl'), JSON.stringify({ q: 'How many?', a: 'Two and two: 2+2=<<2+2=4>>4\n#### 4' }));
    const task = await createPlugin(
      'task',
      ['jsonl-benchmark', { path: 'gsm.jsonl', problemField: 'q', answerField: 'a', answerExtraction: 'gsm8k', solutionField: 'a', decomposer: 'gsm8k-lines' }],
      dir,
    );
    const [example] = (await task.load('test')).examples;
    expect(example).toMatchObject({ answer: '4', steps: ['Two and two: 2+2=4'] });
  });
});
