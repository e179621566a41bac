import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { srl } from './run-srl';
import { writeTinyCheckpoint } from './tiny-checkpoint';

// The paper-scale recipes point at a Qwen2.5 checkpoint and the numbered s1K-1.1 file in local folders that
// do not exist here. Validation is made meaningful twice: as written, the one problem found must be the missing
// checkpoint (structure, plugin names and every option, the paper's hyperparameters included, are accepted);
// with the checkpoint and data swapped for a tiny Qwen2 stand-in in the Hugging Face layout (real BPE tokenizer
// and chat template, 512 positions) and a small s1K-style file, each recipe validates and trains one step.
const PAPER = fileURLToPath(new URL('../../../examples/srl-vs-rlvr/paper/', import.meta.url));
const EXPERIMENT = fileURLToPath(new URL('../../../examples/srl-vs-rlvr/experiment.paper.yaml', import.meta.url));
const recipes = readdirSync(PAPER)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** s1K-1.1's columns, the numbered rewrite in `deepseek_attempt` (what `srl data rewrite` writes back into that field). */
function s1kStandIn(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'srl-paper-')), 's1k-numbered.jsonl');
  const rows = Array.from({ length: 8 }, (_, i) => ({
    question: `What is ${i} + ${i + 2}, times 2?`,
    solution: `\\boxed{${4 * i + 4}}`,
    deepseek_thinking_trajectory: 'Add, then double.',
    deepseek_attempt: `SOLUTION:\n1. **Add** ${i} + ${i + 2} = ${2 * i + 2}\n2. **Double** ${2 * i + 2} * 2 = ${4 * i + 4}\n3. **State the result** The result is $\\boxed{${4 * i + 4}}$.`,
  }));
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  return file;
}

describe('paper-scale recipes (examples/srl-vs-rlvr/paper)', () => {
  it('are the six arm recipes of the experiment (the base is the checkpoint itself)', () => {
    expect(recipes).toEqual(['rlvr.yaml', 'sft.yaml', 'srl-no-dynamic-sampling.yaml', 'srl-then-rlvr.yaml', 'srl-whole-solution.yaml', 'srl.yaml']);
  });

  it.each(recipes)('%s: as written, the only problem is the checkpoint folder that is not here', async (name) => {
    const { code, err } = await srl(['validate', path.join(PAPER, name)]);
    expect(code).toBe(2);
    expect(err).toContain('is invalid (1 problem)');
    expect(err).toContain(`checkpoint: ${path.join(PAPER, 'models', 'Qwen2.5-0.5B-Instruct')} holds no config.json`);
  });

  const data = s1kStandIn();
  const checkpoint = path.join(path.dirname(data), 'tiny-qwen2');
  // The paper's system prompts alone outgrow the stand-in's 512 positions: shorter ones, the same roles.
  const standIn = [
    `policy.options.checkpoint=${checkpoint}`,
    'policy.options.backend=wasm',
    'policy.options.memoryBudgetMb=256',
    `task.options.path=${data}`,
    'task.options.validationSize=2',
    'task.options.systemPrompt=Write the next step.',
    'task.options.evalSystemPrompt=Solve it.',
  ];
  beforeAll(() => writeTinyCheckpoint(checkpoint));
  const sets = (xs: string[]): string[] => xs.flatMap((x) => ['--set', x]);

  it.each(recipes)('%s: with the stand-in checkpoint and data, validates and trains one step per stage', async (name) => {
    const file = path.join(PAPER, name);
    const valid = await srl(['validate', file, ...sets(standIn)]);
    expect(valid.err).toBe('');
    expect(valid.code).toBe(0);
    // Sizes shrunk to the stand-in; every other option (lr, clip, KL, temperature, dynamic sampling, schedule) as the paper's.
    const stages = (readFileSync(file, 'utf8').match(/^ {2}- name: /gm) ?? []).length;
    const small = Array.from({ length: stages }, (_, i) => `stages[${i}].options`).flatMap((at) =>
      name === 'sft.yaml'
        ? [`${at}.batchSize=2`, `${at}.maxCompletionTokens=64`]
        : [
            `${at}.batchSize=2`,
            `${at}.maxTokens=12`,
            `${at}.validateEvery=1`,
            `${at}.validationLimit=2`,
            `${at}.validationMaxTokens=12`,
            `${at}.maxSamplingRounds=2`,
          ],
    );
    const out = mkdtempSync(path.join(tmpdir(), `srl-paper-${name.replace('.yaml', '')}-`));
    const run = await srl(['train', file, '--out', out, '--max-steps', '1', ...sets([...standIn, ...small])]);
    expect(run.code, run.err).toBe(0);
    const record = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { stages: { steps: number }[] };
    expect(record.stages.map((s) => s.steps)).toEqual(Array(stages).fill(1));
  });

  it('experiment.paper.yaml: uses every recipe once, and its evaluation validates on the stand-in', async () => {
    const experiment = parse(readFileSync(EXPERIMENT, 'utf8')) as {
      base: { checkpoint: string };
      arms: { name: string; recipe: string; ablation?: boolean }[];
      eval: { benchmarks: { name: string; task: unknown }[]; samples: number; temperature: number; maxTokens: number; batchSize: number; limit: number };
    };
    expect(path.resolve(path.dirname(EXPERIMENT), experiment.base.checkpoint)).toBe(path.join(PAPER, 'models', 'Qwen2.5-0.5B-Instruct'));
    const used = experiment.arms.map((a) => a.recipe).map((r) => path.relative(PAPER, path.resolve(path.dirname(EXPERIMENT), r)));
    expect(used.sort()).toEqual(recipes);
    expect(experiment.arms.filter((a) => a.ablation).map((a) => a.name)).toEqual(['srl-no-dynamic-sampling', 'srl-whole-solution']);
    expect(experiment.eval).toMatchObject({ samples: 32, temperature: 1 }); // avg@32 at temperature 1, as the paper
    // The eval-only recipe srl experiment builds from it: the first arm's policy from the base checkpoint, the experiment's benchmarks.
    const base = parse(readFileSync(path.resolve(path.dirname(EXPERIMENT), experiment.arms[0].recipe), 'utf8')) as {
      policy: [string, Record<string, unknown>];
    };
    const { benchmarks, samples, temperature, maxTokens, batchSize, limit } = experiment.eval;
    const recipe = {
      name: 'paper-eval',
      policy: [base.policy[0], { ...base.policy[1], checkpoint, backend: 'wasm' }],
      eval: {
        benchmarks: benchmarks.map(({ name, task }) => ({ name, task })),
        split: 'test',
        greedy: true,
        samples,
        temperature,
        maxTokens,
        batchSize,
        limit,
      },
    };
    const file = path.join(path.dirname(data), 'paper-eval.json');
    writeFileSync(file, JSON.stringify(recipe));
    const valid = await srl(['validate', file]);
    expect(valid.err).toBe('');
    expect(valid.code).toBe(0);
    // Where srl experiment's own loader is there (branch exp-run), the file must pass it too.
    const loader = fileURLToPath(new URL('../src/experiment/experiment-spec.ts', import.meta.url));
    if (existsSync(loader)) {
      const { loadExperiment } = (await import(/* @vite-ignore */ loader)) as { loadExperiment(file: string): Promise<{ arms: unknown[] }> };
      expect((await loadExperiment(EXPERIMENT)).arms).toHaveLength(6);
    }
  });
});
