import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PluginRef, RewardModel, Task } from '@srl/core';
import { checkExpertStepsScoreOne, quietLogger } from '@srl/core/testing';
import { loadBuiltinSweTasks, writeTrajectories } from '@srl/tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnvironment } from '../src/plugin-environment';

// The property of issue 12 over all shared data and every shipped task: the expert's own step k, written as
// `<think>...</think>` then the step, scores exactly 1.0 under the default step-similarity reward, for every
// decomposer and both target numberings, and for every SWE action (the step is the rendered tool call).

// s1K-style numbered solutions (the paper's App. A format) with what the numbered decomposer keeps inside a
// step: indented sub-lists, `Step k` lines, `**Step k**` and `## Step k` lines, other list styles, display math,
// decimals at the start of a line, and the SOLUTION: header.
const numbered = [
  'SOLUTION:\n1. **Split into cases** The sign of $x$ matters:\n   1. If $x > 0$, then $|x| = x$.\n   2. If $x < 0$, then $|x| = -x$.\n2. **Solve each case** Case 1 gives $x = 3$; case 2 gives $x = -3$.\n3. **Answer** Both work, so the sum is $\\boxed{0}$.',
  '1. **Plan** We proceed in steps.\nStep 1: expand the square.\nStep 2: collect terms.\n2. **Expand** \\[\n(a+b)^2 = a^2 + 2ab + b^2\n\\]\n   so the cross term is $2ab$.\n3. **Conclude** With $a = 2, b = 3$ the cross term is $\\boxed{12}$.',
  '**SOLUTION:**\n1. **Set up** Let $n$ be the number of people:\n- adults: $3n$\n- children: $n$\n2. **Equation** $4n = 240$, so $n = 60$.\n**Step 3** is a check: $4 \\cdot 60 = 240$.\n## Step 4\n3. **Answer** There are $\\boxed{60}$ children.',
  'SOLUTION: 1. **Convert** 3.5 hours is 210 minutes.\n3.5 hours\n12.0 is not a step either.\n2. **Divide** $210 / 7 = 30$.\n   10. an indented numbered line\n   Step 9: an indented step line\n3) a parenthesised item\n3. **Answer** $\\boxed{30}$',
  '1. **Only step** The answer is $\\boxed{7}$.',
  '1. **Factor** $x^2 - 5x + 6 = (x-2)(x-3)$.\n\n2. **Roots** Hence\n\n   * $x = 2$\n   * $x = 3$\n\n3. **Sum** $2 + 3 = \\boxed{5}$.',
];

const dir = mkdtempSync(path.join(tmpdir(), 'srl-expert-steps-'));
const s1kFile = path.join(dir, 's1k-numbered.jsonl');
writeFileSync(
  s1kFile,
  numbered
    .flatMap((solution, i) =>
      Array.from({ length: 5 }, (_, v) => ({
        question: `Problem ${i}.${v}: compute it.`,
        solution: solution.replace(/\\boxed\{(\d+)\}/, (_m, n) => `\\boxed{${Number(n) + v}}`),
        deepseek_attempt: solution,
      })),
    )
    .map((r) => JSON.stringify(r))
    .join('\n') + '\n',
);

// A SWE-smith conversation whose calls hold lines a step parser could take for step headers (`2. ...` in a
// created file, a numbered list in a heredoc): inside a call's parameter they are the call's data.
const sweFile = path.join(dir, 'swe-numbered.jsonl');
const call = (tool: string, params: Record<string, string>): string =>
  `<function=${tool}>\n${Object.entries(params)
    .map(([k, v]) => `<parameter=${k}>${v}</parameter>\n`)
    .join('')}</function>`;
writeFileSync(
  sweFile,
  JSON.stringify({
    instance_id: 'demo__notes-1',
    messages: [
      { role: 'system', content: 'You are an agent.' },
      { role: 'user', content: 'The install steps in NOTES.md are missing.' },
      {
        role: 'assistant',
        content: `Write them.\n\n${call('str_replace_editor', { command: 'create', path: '/testbed/NOTES.md', file_text: '# Install\n1. Clone the repository.\n2. Run make.\n3.\n' })}`,
      },
      { role: 'user', content: 'OBSERVATION:\nFile created successfully at: /testbed/NOTES.md' },
      { role: 'assistant', content: `Check.\n${call('bash', { command: "cat <<'EOF' >> NOTES.md\n4. Run the tests.\nEOF\ncat NOTES.md" })}` },
      { role: 'user', content: 'OBSERVATION:\n# Install\n1. Clone the repository.\n2. Run make.\n3.\n4. Run the tests.' },
      { role: 'assistant', content: `Done.\n${call('submit', {})}` },
    ],
  }) + '\n',
);

// srl's canonical JSONL, as the agent loop writes it (here: the built-in tasks' expert trajectories).
const canonicalFile = path.join(dir, 'agent-runs.jsonl');
await writeTrajectories(
  canonicalFile,
  (await loadBuiltinSweTasks()).map((t) => t.trajectory),
);

interface Case {
  task: string;
  options: Record<string, unknown>;
  splits: string[];
  /** The fewest step instances expected (guards against a case that checks nothing). */
  atLeast: number;
  /** SWE tasks: the step is a tool call, with no step number (no targetNumbering option). */
  swe?: boolean;
}

const shared = (task: string, splits: string[], atLeast: number, decomposer?: PluginRef): Case => ({
  task,
  options: decomposer ? { decomposer } : {},
  splits,
  atLeast,
});
const s1k = { path: s1kFile, solutionField: 'deepseek_attempt', answerField: 'solution' };
const cases: Case[] = [
  shared('math/gsm8k', ['train', 'test'], 7473 * 2),
  shared('math/gsm8k', ['test'], 1319 * 2, ['gsm8k-lines', { annotations: 'keep' }]),
  shared('math/math500', ['test'], 500, 'paragraphs'),
  shared('math/minerva', ['test'], 272, 'paragraphs'),
  shared('math/aime24', ['test'], 30, 'paragraphs'),
  { task: 'math/s1k', options: s1k, splits: ['train', 'validation'], atLeast: 30 * 2 },
  { task: 'math/s1k', options: { ...s1k, stepTitleInPrompt: true }, splits: ['validation'], atLeast: 30 * 2 },
  { task: 'math/s1k', options: { ...s1k, decomposer: 'paragraphs' }, splits: ['validation'], atLeast: 30 * 2 },
  {
    task: 'jsonl-benchmark',
    options: { path: s1kFile, problemField: 'question', answerField: 'solution', solutionField: 'deepseek_attempt', decomposer: 'numbered' },
    splits: ['test'],
    atLeast: 30 * 2,
  },
  { task: 'math/synthetic-arithmetic', options: {}, splits: ['train', 'validation', 'test'], atLeast: 100 },
  // SWE: every action of the shared trajectories and of the built-in tasks' expert trajectories.
  { task: 'swe/openhands', options: {}, splits: ['train'], atLeast: 814, swe: true },
  { task: 'swe/sweagent', options: {}, splits: ['train'], atLeast: 11, swe: true },
  { task: 'swe/swesmith', options: {}, splits: ['train'], atLeast: 103, swe: true },
  { task: 'swe/swesmith', options: { path: sweFile }, splits: ['train'], atLeast: 3, swe: true },
  { task: 'swe/builtin', options: {}, splits: ['train'], atLeast: 35, swe: true },
  { task: 'swe/trajectories', options: { path: canonicalFile }, splits: ['train'], atLeast: 35, swe: true },
];
// amc23 ships no solutions: no step instances to check (asserted below, so a solution field added later is covered).
const noSteps = ['math/amc23'];

describe('the expert step scores exactly 1.0 under default step-similarity', () => {
  let env: Awaited<ReturnType<typeof createPluginEnvironment>>;
  let reward: RewardModel;
  const deps = { logger: quietLogger, baseDir: process.cwd() };
  beforeAll(async () => {
    env = await createPluginEnvironment({ discover: false });
    reward = await env.registry.create('reward', 'step-similarity', deps);
  });

  it('covers every shipped task plugin', () => {
    const covered = new Set([...cases.map((c) => c.task), ...noSteps]);
    expect(
      env.registry
        .list('task')
        .map((p) => p.definition.name)
        .filter((n) => !covered.has(n)),
    ).toEqual([]);
  });

  type Run = readonly [Case, 'numbered' | 'bare' | undefined];
  const runs: Run[] = cases.flatMap((c): Run[] => (c.swe ? [[c, undefined]] : (['numbered', 'bare'] as const).map((n): Run => [c, n])));
  it.each(
    runs.map(
      ([c, targetNumbering]) =>
        [
          `${c.task} ${JSON.stringify(c.options.decomposer ?? c.options.path ?? '')}${c.options.stepTitleInPrompt ? ' stepTitleInPrompt' : ''}${targetNumbering ? ` (${targetNumbering} targets)` : ''}`,
          c,
          targetNumbering,
        ] as const,
    ),
  )('%s', async (_, c, targetNumbering) => {
    const task: Task = await env.registry.create('task', [c.task, { ...c.options, ...(targetNumbering ? { targetNumbering } : {}) }], deps);
    let checked = 0;
    for (const split of c.splits) {
      const { examples, skipped } = await task.load(split, c.task === 'math/synthetic-arithmetic' && split === 'train' ? { limit: 200 } : {});
      if (c.swe) expect(skipped).toEqual([]);
      const report = await checkExpertStepsScoreOne({ task, examples, reward });
      expect(report.failures, `${c.task} ${split}`).toEqual([]);
      expect(report.skipped).toBe(0);
      checked += report.checked;
    }
    expect(checked).toBeGreaterThanOrEqual(c.atLeast);
  });

  it.each(noSteps)('%s has no expert steps to check', async (name) => {
    const task: Task = await env.registry.create('task', name, deps);
    const { examples } = await task.load('test');
    const report = await checkExpertStepsScoreOne({ task, examples, reward });
    expect(report).toMatchObject({ checked: 0, skipped: examples.length, failed: 0 });
  });

  it('fails, and says where, when a step holds a second step header', async () => {
    const task = {
      instances: () => [{ id: 'x/srl/1', exampleId: 'x', kind: 'srl' as const, prompt: [], reference: '1. **A** a\n2. **B** b', step: { index: 1, count: 1 } }],
    };
    const report = await checkExpertStepsScoreOne({ task, examples: [{ id: 'x', problem: 'p', steps: ['s'] }], reward });
    expect(report.failed).toBe(1);
    expect(report.failures[0]).toMatch(/^x\/srl\/1: reward -1 .*"format_ok":0/);
  });
});
