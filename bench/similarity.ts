// Benchmark: SRL's step similarity (difflib ratio) in TypeScript against CPython's difflib, same pairs, one run.
// Run: pnpm bench similarity   (or: pnpm exec tsx --conditions=source bench/similarity.ts)
// Workloads (SRL §4.2 shape: groups of 8 rollouts scored against one expert step):
//   gsm8k-steps: real GSM8K solution lines as expert steps; rollouts are other real steps (same solution and
//                other solutions) and lightly edited copies of the expert step.
//   2k-chars:    ~2,000-character texts (consecutive GSM8K solutions concatenated); rollouts are other such
//                texts and edited copies.
// each with autojunk on and off. Every ratio is checked bit for bit against CPython's before timing counts.
// The last line is the speedup: CPython time / TypeScript time with one fresh matcher per pair on both sides
// (`SequenceMatcher(None, model, expert).ratio()` vs `sequenceRatio(model, expert)`), as the geometric mean over
// the four workloads (the total-time ratio, printed above it, is dominated by the slowest workload).
// "grouped" columns: one matcher per expert step reused across its 8 rollouts (set_seq1 / createSimilarityIndex).
// Printed first: the throughput (pairs/s, one score() call per workload) of every similarity reward plugin on the
// same pairs (format "plain", so only the similarity is timed), autojunk on for the difflib ones.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolloutSource } from './rollouts.ts';
import { RougeLReward } from '../packages/rewards/src/rouge-l-reward.ts';
import { createSimilarityIndex, sequenceRatio } from '../packages/rewards/src/similarity/index.ts';
import { SolutionSimilarityReward } from '../packages/rewards/src/solution-similarity-reward.ts';
import { StepSimilarityReward } from '../packages/rewards/src/step-similarity-reward.ts';
import { TokenEditSimilarityReward } from '../packages/rewards/src/token-edit-similarity-reward.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';
const GROUP = 8;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface Workload {
  name: string;
  autojunk: boolean;
  /** [model, expert]; consecutive runs of GROUP pairs share one expert. */
  pairs: [string, string][];
}

const { pick, edit } = rolloutSource(7);

function buildWorkloads(): Workload[] {
  const rows = readFileSync(path.resolve(repoRoot, '../shared/data/gsm8k/train.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { answer: string });
  const solutions = rows.map((r) => r.answer.split('\n').filter((s) => !s.startsWith('####')));
  const allSteps = solutions.flat();

  const stepPairs: [string, string][] = [];
  for (let g = 0; g < 400; g++) {
    const solution = pick(solutions);
    const expert = pick(solution);
    const rollouts = [pick(solution), pick(solution), pick(allSteps), pick(allSteps), edit(expert, 0.1), edit(expert, 0.3), edit(expert, 0.5), expert];
    for (const model of rollouts) stepPairs.push([model, expert]);
  }

  const docs: string[] = [];
  for (let i = 0; docs.length < 200; ) {
    let doc = '';
    while (doc.length < 2000) doc += `${rows[i++ % rows.length].answer}\n`;
    docs.push(doc);
  }
  const longPairs: [string, string][] = [];
  for (let g = 0; g < 8; g++) {
    const expert = pick(docs);
    const rollouts = [pick(docs), pick(docs), pick(docs), pick(docs), edit(expert, 0.02), edit(expert, 0.05), edit(expert, 0.1), edit(expert, 0.3)];
    for (const model of rollouts) longPairs.push([model, expert]);
  }
  return [
    { name: 'gsm8k-steps autojunk=on', autojunk: true, pairs: stepPairs },
    { name: 'gsm8k-steps autojunk=off', autojunk: false, pairs: stepPairs },
    { name: '2k-chars autojunk=on', autojunk: true, pairs: longPairs },
    { name: '2k-chars autojunk=off', autojunk: false, pairs: longPairs },
  ];
}

function bestTime(fn: () => number[], repeats: number): { seconds: number; ratios: number[] } {
  let seconds = Infinity;
  let ratios: number[] = [];
  fn(); // warm-up (JIT)
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    ratios = fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, ratios };
}

function grouped(w: Workload): number[] {
  const out: number[] = [];
  for (let g = 0; g < w.pairs.length; g += GROUP) {
    const index = createSimilarityIndex(w.pairs[g][1], { autojunk: w.autojunk });
    for (let k = g; k < Math.min(g + GROUP, w.pairs.length); k++) out.push(index.ratio(w.pairs[k][0]));
  }
  return out;
}

/** Pairs per second of each similarity reward plugin, on the autojunk=on workloads (the rewards' defaults). */
function rewardThroughput(workloads: Workload[]): void {
  const plain = { format: 'plain' } as const;
  const rewards: [string, { scoreSync(inputs: { completion: string; reference: string }[]): unknown[] }][] = [
    ['step-similarity (difflib)', new StepSimilarityReward(plain)],
    ['solution-similarity (difflib)', new SolutionSimilarityReward(plain)],
    ['token-edit-similarity words', new TokenEditSimilarityReward(plain)],
    ['token-edit-similarity chars', new TokenEditSimilarityReward({ ...plain, tokens: 'characters' })],
    ['rouge-l words', new RougeLReward(plain)],
    ['rouge-l chars', new RougeLReward({ ...plain, tokens: 'characters' })],
  ];
  const onWorkloads = workloads.filter((w) => w.autojunk);
  console.log(`similarity reward plugins, pairs/s (one score() call per workload, best of ${REPEATS}):`);
  console.log(`${'reward'.padEnd(30)} ${onWorkloads.map((w) => w.name.replace(' autojunk=on', '').padStart(14)).join(' ')}`);
  for (const [name, reward] of rewards) {
    const cells = onWorkloads.map((w) => {
      const inputs = w.pairs.map(([completion, reference]) => ({ completion, reference }));
      const { seconds } = bestTime(() => reward.scoreSync(inputs).map(() => 0), REPEATS);
      return Math.round(w.pairs.length / seconds)
        .toLocaleString('en-US')
        .padStart(14);
    });
    console.log(`${name.padEnd(30)} ${cells.join(' ')}`);
  }
  console.log('');
}

function main(): void {
  const workloads = buildWorkloads();
  rewardThroughput(workloads);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-bench-'));
  const input = path.join(dir, 'workloads.json');
  writeFileSync(input, JSON.stringify(workloads));
  const run = spawnSync(PYTHON, [path.join(repoRoot, 'bench/similarity.py'), input, String(REPEATS)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(dir, { recursive: true, force: true });
  if (run.error || run.status !== 0) {
    throw new Error(`CPython side failed (${PYTHON}): ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr}`);
  }
  const cpython = JSON.parse(run.stdout) as { python: string; workloads: { name: string; fresh: number; reuse: number; ratios: string[] }[] };

  console.log(`CPython ${cpython.python} difflib vs @srl/rewards sequenceRatio; node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; best of ${REPEATS}`);
  console.log('workload                   pairs  chars/pair  CPython µs/pair  ours µs/pair  speedup | grouped: CPython  ours  speedup');
  let pyTotal = 0;
  let tsTotal = 0;
  const speedups: number[] = [];
  workloads.forEach((w, n) => {
    const py = cpython.workloads[n];
    const fresh = bestTime(() => w.pairs.map(([a, b]) => sequenceRatio(a, b, { autojunk: w.autojunk })), REPEATS);
    const reuse = bestTime(() => grouped(w), REPEATS);
    // Identical results, bit for bit, before any timing is reported.
    for (const [k, ratios] of [fresh.ratios, reuse.ratios].entries()) {
      ratios.forEach((r, i) => {
        if (!Object.is(r, Number(py.ratios[i]))) {
          throw new Error(`${w.name} pair ${i} (${k ? 'grouped' : 'fresh'}): ours ${r}, CPython ${py.ratios[i]}`);
        }
      });
    }
    const chars = w.pairs.reduce((s, [a, b]) => s + a.length + b.length, 0) / w.pairs.length / 2;
    const us = (s: number): string => ((s / w.pairs.length) * 1e6).toFixed(1).padStart(8);
    console.log(
      `${w.name.padEnd(26)} ${String(w.pairs.length).padStart(5)} ${chars.toFixed(0).padStart(11)} ${us(py.fresh).padStart(16)} ${us(fresh.seconds).padStart(13)} ${(py.fresh / fresh.seconds).toFixed(1).padStart(7)}x |` +
        ` ${us(py.reuse)} ${us(reuse.seconds)} ${(py.reuse / reuse.seconds).toFixed(1).padStart(7)}x`,
    );
    pyTotal += py.fresh;
    tsTotal += fresh.seconds;
    speedups.push(py.fresh / fresh.seconds);
  });
  console.log(`all ${workloads.reduce((s, w) => s + w.pairs.length, 0)} ratios identical to CPython's (bit for bit)`);
  console.log(
    `total time, fresh matcher per pair: CPython ${pyTotal.toFixed(3)} s, ours ${tsTotal.toFixed(3)} s (${(pyTotal / tsTotal).toFixed(1)}x, dominated by 2k-chars autojunk=off)`,
  );
  const geomean = Math.exp(speedups.reduce((s, x) => s + Math.log(x), 0) / speedups.length);
  console.log(
    `headline: geometric mean of the ${speedups.length} per-workload speedups (fresh matcher per pair on both sides); lowest ${Math.min(...speedups).toFixed(1)}x`,
  );
  console.log(`similarity speedup vs CPython difflib: ${geomean.toFixed(1)}x`);
}

main();
