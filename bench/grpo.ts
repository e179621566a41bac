// Benchmark: srl's SRL stage against TRL's GRPOTrainer on the same CPU workload, one run.
// Run: pnpm bench grpo [--runs 3] [--steps 5] [--threads 1,2] [--workers 1] [--backends wasm,tensorflow] [--trl on|off]
//      [--checkpoint DIR] [--memory-budget-mb 256]
// Both sides start from the same Hugging Face checkpoint (default: the quickstart's model, llama-tiny 64 x 2
// layers, fresh weights saved by srl; --checkpoint takes e.g. the quickstart's SFT checkpoint) and train on the
// same step instances (the quickstart's GSM8K SRL prompts, through `srl export --format trl`) with the same
// settings: 4 prompts x 8 rollouts per step, 40 new tokens at temperature 1, lr 5e-4 constant, clip 0.2,
// beta 0, token-mean (TRL's "dapo"), no dynamic sampling; TRL with gradient checkpointing and bf16 off, torch
// with each of --threads. The reward is difflib's ratio to the expert step on both sides (srl's step-similarity,
// format plain). Runs alternate (srl, TRL 1 thread, TRL 2 threads, srl, ...) so the machine's other load hits
// every side; each figure is the median over all runs' steps after each run's first (warm-up) step. srl's step
// is its generation + reward + update times from metrics.jsonl; TRL's is the trainer step's wall time, split by
// timing model.generate and the reward function (update = the rest). Peak RSS: each process's maximum resident
// set (srl: memory/rss_peak of the last step; TRL: getrusage), median over runs. The ratio srl / TRL-1-thread
// comes last. --workers 1,2 runs srl's side once per worker count (the policy's `workers` option) in each run,
// alternating with the rest, and prints each count's speed-up over 1 worker with the load average (os.loadavg)
// before and after; --backends runs srl's side on each tfjs backend (default wasm, and tensorflow when `srl setup
// tensorflow` has made it available; its policy samples on a wasm copy of the weights, the generationBackend
// default); --trl off skips the Python side. The Python side is a venv made by examples/trl-grpo/setup-venv.sh (torch, transformers, TRL from
// this machine's package indexes); without it the bench says so and prints srl's side only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../packages/policies/src/backend/select-backend.ts';
import { TfjsTransformerPolicy } from '../packages/policies/src/tfjs-transformer-policy.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = parseArgs(process.argv.slice(2));
const STEP = { batchPrompts: 4, group: 8, maxTokens: 40, lr: 5e-4, clip: 0.2 };

interface Args {
  runs: number;
  steps: number;
  threads: number[];
  workers: number[];
  /** null: wasm, plus tensorflow when it is available. */
  backends: string[] | null;
  trl: boolean;
  checkpoint?: string;
  memoryBudgetMb?: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { runs: 3, steps: 5, threads: [1, 2], workers: [1], backends: null, trl: true };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k}: missing value`);
    if (k === '--runs' || k === '--steps') out[k.slice(2) as 'runs' | 'steps'] = positive(k, v);
    else if (k === '--threads') out.threads = v.split(',').map((t) => positive(k, t));
    else if (k === '--workers') out.workers = v.split(',').map((t) => positive(k, t));
    else if (k === '--backends') out.backends = v.split(',');
    else if (k === '--trl') out.trl = v !== 'off';
    else if (k === '--checkpoint') out.checkpoint = path.resolve(v);
    else if (k === '--memory-budget-mb') out.memoryBudgetMb = Number(v);
    else throw new Error(`unknown argument ${k}; options: --runs --steps --threads --workers --backends --trl --checkpoint --memory-budget-mb`);
  }
  if (out.steps < 2) throw new Error('--steps: at least 2 (the first step of each run is warm-up)');
  return out;
}

function positive(k: string, v: string): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`${k} ${v}: expected a positive integer`);
  return n;
}

function run(cmd: string, argv: string[], label: string): string {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: process.env });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${(r.stderr || r.stdout || String(r.error)).slice(-3000)}`);
  return r.stdout;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Step {
  wall: number;
  generation: number;
  reward: number;
  update: number;
  tokens: number;
}
interface Side {
  steps: Step[];
  rss: number[];
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'srl-bench-grpo-'));
try {
  // 1. Weights, recipe and prompts shared by both sides.
  let checkpoint = args.checkpoint;
  if (checkpoint === undefined) {
    checkpoint = path.join(dir, 'model');
    const policy = await TfjsTransformerPolicy.create({
      preset: 'llama-tiny',
      config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 },
      tokenizer: 'byte',
      backend: 'wasm',
      seed: 0,
      weightDecay: 0,
      saveDtype: 'F32',
    });
    await policy.save(checkpoint);
    policy.dispose();
  }
  const stage = {
    limit: STEP.batchPrompts * args.steps,
    epochs: 1,
    batchSize: STEP.batchPrompts,
    groupSize: STEP.group,
    maxTokens: STEP.maxTokens,
    lr: STEP.lr,
    clipLow: STEP.clip,
    clipHigh: STEP.clip,
    klBeta: 0,
    aggregation: 'token-mean',
    dynamicSampling: false,
    maxPromptTokens: 640,
    checkpointEvery: 0,
  };
  const policyOptions = { checkpoint, ...(args.memoryBudgetMb !== undefined ? { memoryBudgetMb: args.memoryBudgetMb } : {}) };
  const recipe = path.join(dir, 'recipe.json');
  const backends = args.backends ?? [
    'wasm',
    ...((await selectBackend({ backend: 'tensorflow' }).then(
      () => true,
      () => false,
    ))
      ? ['tensorflow']
      : []),
  ];
  if (args.backends === null && !backends.includes('tensorflow')) console.log('tensorflow skipped (not available: `srl setup tensorflow` makes it)');
  // srl's sides: each backend with each worker count.
  const sides = backends.flatMap((backend) => args.workers.map((workers) => ({ backend, workers, key: `${backend}-${workers}` })));
  const recipeFor = (key: string): string => path.join(dir, `recipe-${key}.json`);
  const writeRecipe = (): void => {
    for (const { backend, workers, key } of sides)
      writeFileSync(
        recipeFor(key),
        JSON.stringify({ ...JSON.parse(readFileSync(recipe, 'utf8')), policy: ['tfjs-transformer', { ...policyOptions, backend, workers }] }),
      );
  };
  const writeBase = (): void =>
    writeFileSync(
      recipe,
      JSON.stringify({
        name: 'bench-grpo',
        seed: 0,
        policy: ['tfjs-transformer', policyOptions],
        task: ['math/gsm8k', { systemPrompt: 'Continue the solution with the single next step.' }],
        rewards: [['step-similarity', { format: 'plain' }]],
        stages: [['srl-tiny', stage]],
      }),
    );
  writeBase();
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const cli = ['--conditions=source', path.join(root, 'packages/cli/src/bin.ts')];
  const data = path.join(dir, 'trl.jsonl');
  run(tsx, [...cli, 'export', recipe, '--stage', '0', '--format', 'trl', '--out', data], 'srl export');
  // `limit` counts problems, each several step instances: a fraction of an epoch gives `steps` steps.
  const instances = readFileSync(data, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
  stage.epochs = (args.steps * STEP.batchPrompts) / instances;
  writeBase();
  writeRecipe();

  // 2. The Python side, if it can be set up.
  let python: string | null = null;
  const setup = args.trl ? spawnSync('bash', [path.join(root, 'examples/trl-grpo/setup-venv.sh')], { cwd: root, encoding: 'utf8' }) : null;
  if (setup === null) console.log('TRL skipped (--trl off)');
  else if (setup.status === 0) python = path.join(setup.stdout.trim(), 'bin/python');
  else
    console.log(
      `TRL is unavailable: examples/trl-grpo/setup-venv.sh failed (${(setup.stderr || '').trim().split('\n').slice(-3).join(' / ')}); srl's side only`,
    );

  // 3. Alternating runs.
  const srls = new Map<string, Side>(sides.map((s) => [s.key, { steps: [], rss: [] }]));
  const loadBefore = os.loadavg();
  const trl = new Map<number, Side>(args.threads.map((t) => [t, { steps: [], rss: [] }]));
  const versions: string[] = [];
  for (let r = 0; r < args.runs; r++) {
    for (const { backend, workers: w, key } of sides) {
      const out = path.join(dir, `srl-${r}-${key}`);
      const srl = srls.get(key) as Side;
      run(tsx, [...cli, 'train', recipeFor(key), '--out', out], `srl train (run ${r + 1}, ${backend}, ${w} worker(s))`);
      const lines = readFileSync(path.join(out, 'stages/0-srl-tiny/metrics.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, number>)
        .filter((m) => m.type === undefined);
      lines.slice(1).forEach((m) => {
        const [g, sc, u] = [m['time/generation'], m['time/scoring'], m['time/update']];
        srl.steps.push({ wall: g + sc + u, generation: g, reward: sc, update: u, tokens: m['completion_length/mean'] * STEP.batchPrompts * STEP.group });
      });
      srl.rss.push(lines[lines.length - 1]['memory/rss_peak']);
      process.stdout.write(`${key === sides[0].key ? `run ${r + 1}/${args.runs}:` : ','} srl ${backend} ${w} worker(s) ${lines.length} steps`);
    }
    if (python === null) {
      process.stdout.write('\n');
      continue;
    }
    for (const t of args.threads) {
      const spec = path.join(dir, `trl-${r}-${t}.json`);
      const result = path.join(dir, `trl-${r}-${t}.out.json`);
      writeFileSync(
        spec,
        JSON.stringify({
          model: checkpoint,
          data,
          steps: args.steps,
          threads: t,
          lr: STEP.lr,
          batch_prompts: STEP.batchPrompts,
          group: STEP.group,
          max_tokens: STEP.maxTokens,
          clip: STEP.clip,
          out: result,
        }),
      );
      run(python, [path.join(root, 'bench/grpo.py'), spec], `TRL (run ${r + 1}, ${t} thread(s))`);
      const res = JSON.parse(readFileSync(result, 'utf8')) as { steps: Omit<Step, 'tokens'>[]; completion_lengths: number[]; rss_peak: number; torch: string };
      const side = trl.get(t) as Side;
      res.steps.slice(1).forEach((s, i) => side.steps.push({ ...s, tokens: (res.completion_lengths[i + 1] ?? NaN) * STEP.batchPrompts * STEP.group }));
      side.rss.push(res.rss_peak);
      if (versions.length === 0) versions.push(`torch ${res.torch}`);
      process.stdout.write(`, TRL ${t} thread(s) ${res.steps.length} steps`);
    }
    process.stdout.write('\n');
  }

  // 4. Report.
  const loadAfter = os.loadavg();
  const rows: [string, Side][] = [
    ...sides.map(({ backend, workers: w, key }) => [`srl (${backend}, ${w} worker${w > 1 ? 's' : ''})`, srls.get(key)] as [string, Side]),
    ...[...trl].filter(([, s]) => s.steps.length > 0).map(([t, s]) => [`TRL GRPOTrainer (${t} thread${t > 1 ? 's' : ''})`, s] as [string, Side]),
  ];
  const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(
    `\n${args.runs} alternating runs x ${args.steps - 1} timed steps; ${STEP.batchPrompts} prompts x ${STEP.group} rollouts, ${STEP.maxTokens} tokens${versions.length ? `; ${versions.join(', ')}` : ''}`,
  );
  console.log(
    `${'side'.padEnd(30)} ${'s/step'.padStart(8)} ${'gen s'.padStart(8)} ${'reward s'.padStart(9)} ${'update s'.padStart(9)} ${'gen tok/s'.padStart(10)} ${'peak RSS MB'.padStart(12)}`,
  );
  for (const [name, s] of rows) {
    const m = (k: keyof Step): number => median(s.steps.map((x) => x[k]));
    const tps = median(s.steps.map((x) => x.tokens / x.generation));
    console.log(
      `${name.padEnd(30)} ${fmt(m('wall')).padStart(8)} ${fmt(m('generation')).padStart(8)} ${fmt(m('reward'), 4).padStart(9)} ${fmt(m('update')).padStart(9)} ${fmt(tps, 0).padStart(10)} ${fmt(median(s.rss) / 2 ** 20, 0).padStart(12)}`,
    );
  }
  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' ');
  console.log(`\nload average (1, 5, 15 min) before ${load(loadBefore)}, after ${load(loadAfter)} on ${os.availableParallelism()} cores`);
  const speedOver = (base: Side, s: Side, k: keyof Step): string => (median(base.steps.map((x) => x[k])) / median(s.steps.map((x) => x[k]))).toFixed(2);
  for (const { backend, workers: w, key } of sides) {
    const base = srls.get(`${backend}-1`);
    if (w === 1 || base === undefined) continue;
    const s = srls.get(key) as Side;
    console.log(`srl ${backend} ${w} workers vs 1: ${speedOver(base, s, 'wall')}x faster per step (update ${speedOver(base, s, 'update')}x)`);
  }
  const [wasm1, tf1] = [srls.get('wasm-1'), srls.get('tensorflow-1')];
  if (wasm1 && tf1)
    console.log(
      `srl tensorflow vs wasm (1 worker): ${speedOver(wasm1, tf1, 'wall')}x faster per step (generation ${speedOver(wasm1, tf1, 'generation')}x, update ${speedOver(wasm1, tf1, 'update')}x)`,
    );
  const srl = wasm1 ?? (srls.values().next().value as Side);
  const one = trl.get(1);
  if (one && one.steps.length > 0) {
    const ratio = median(srl.steps.map((x) => x.wall)) / median(one.steps.map((x) => x.wall));
    const mem = median(srl.rss) / median(one.rss);
    console.log(`\nsrl (${wasm1 ? 'wasm' : sides[0].backend}) / TRL-1-thread: ${ratio.toFixed(2)}x the time per step, ${mem.toFixed(2)}x the peak RSS`);
    if (tf1 && tf1 !== srl)
      console.log(
        `srl (tensorflow) / TRL-1-thread: ${(median(tf1.steps.map((x) => x.wall)) / median(one.steps.map((x) => x.wall))).toFixed(2)}x the time per step, ${(median(tf1.rss) / median(one.rss)).toFixed(2)}x the peak RSS`,
      );
  } else console.log('\nsrl / TRL-1-thread: unavailable (no TRL run with 1 thread)');
} finally {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
