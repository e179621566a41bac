// Benchmark: where a process's resident memory goes on each tensor backend, wasm and tensorflow side by side, one run.
// Run: pnpm bench native-memory [--backends wasm,tensorflow] [--steps 12] [--memory-budget-mb 256]
// Each backend runs in its own process (the measurements are per process; tfjs has one backend per process), one
// after the other: the quickstart's model (llama-tiny 64 x 2 layers, byte tokenizer) takes `steps` SFT steps of 8
// sequences of varying length (prompts of 200-639 tokens, completions of 20-119, as the quickstart's GSM8K step
// instances, the same sequences on both backends), and its resident set is split by mapping from /proc/self/smaps
// (Linux): libtensorflow's libraries (resident part of the mapped files), anonymous memory (TensorFlow's and
// oneDNN's working memory, the wasm heap), glibc's [heap]. A backend that cannot start (tensorflow needs
// `pnpm srl setup tensorflow`) is a line saying so. Environment knobs that TensorFlow reads when it starts
// (TF_ENABLE_ONEDNN_OPTS, TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS) and glibc's MALLOC_* variables apply as
// set for both processes. Last: the ratio of the peak RSS (VmHWM), tensorflow over wasm.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runChildJson } from './child-json.ts';

type Backend = 'wasm' | 'tensorflow';
const BACKENDS: readonly Backend[] = ['wasm', 'tensorflow'];

/** The resident set at one moment, MB by mapping. */
interface Snapshot {
  label: string;
  total: number;
  tfLibs: number;
  anon: number;
  heap: number;
  node: number;
}
/** What one backend's process reports (one JSON line). */
interface BackendResult {
  backend: Backend;
  policy?: string;
  snapshots: Snapshot[];
  seconds?: number;
  /** VmHWM, MB. */
  peak?: number;
  unavailable?: string;
}

/** Resident MB of the process by mapping: libtensorflow* files, anonymous memory, [heap], the node binary. */
function snapshot(label: string): Snapshot {
  const kb = new Map<string, number>();
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) name = head[1] === '' ? '[anon]' : head[1].replace(/.*\//, '');
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb.set(name, (kb.get(name) ?? 0) + Number(rss[1]));
  }
  const mb = (k: number): number => k / 1024;
  const tfLibs = [...kb].filter(([n]) => n.startsWith('libtensorflow')).reduce((a, [, v]) => a + v, 0);
  const total = [...kb.values()].reduce((a, b) => a + b, 0);
  return { label, total: mb(total), tfLibs: mb(tfLibs), anon: mb(kb.get('[anon]') ?? 0), heap: mb(kb.get('[heap]') ?? 0), node: mb(kb.get('node') ?? 0) };
}

/** One backend, in this (child) process: prints a BackendResult as the last line of stdout. */
async function measure(backend: Backend, steps: number, memoryBudgetMb: number): Promise<void> {
  const { TfjsTransformerPolicy } = await import('../packages/policies/src/tfjs-transformer-policy.ts');
  const out: BackendResult = { backend, snapshots: [snapshot('start')] };
  let policy: Awaited<ReturnType<typeof TfjsTransformerPolicy.create>>;
  try {
    policy = await TfjsTransformerPolicy.create({
      preset: 'llama-tiny',
      config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 },
      tokenizer: 'byte',
      backend,
      memoryBudgetMb,
    });
  } catch (error) {
    out.unavailable = (error as Error).message.split('\n')[0].slice(0, 300);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  out.policy = policy.name;
  out.snapshots.push(snapshot('policy created'));
  let state = 1;
  const next = (k: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % k;
  };
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const items = Array.from({ length: 8 }, () => ({
      promptTokenIds: Array.from({ length: 200 + next(440) }, () => 3 + next(250)),
      completionTokenIds: Array.from({ length: 20 + next(100) }, () => 3 + next(250)),
    }));
    await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 });
  }
  out.seconds = (performance.now() - t0) / 1000;
  out.snapshots.push(snapshot(`after ${steps} steps`));
  out.peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
  policy.dispose();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function parse(argv: string[]): { backends: Backend[]; steps: number; memoryBudgetMb: number } {
  const o = { backends: [...BACKENDS], steps: 12, memoryBudgetMb: 256 };
  const usage = 'expected --backends wasm,tensorflow (or --backend B), --steps N or --memory-budget-mb MB, each with a value';
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k}: ${usage}`);
    if (k === '--backends' || k === '--backend') {
      const list = v.split(',');
      const bad = list.find((b) => !BACKENDS.includes(b as Backend));
      if (bad !== undefined) throw new Error(`${k} ${v}: unknown backend ${bad}; expected some of ${BACKENDS.join(',')}`);
      o.backends = list as Backend[];
    } else if (k === '--steps' || k === '--memory-budget-mb') {
      if (!(Number.isInteger(Number(v)) && Number(v) > 0)) throw new Error(`${k} ${v}: expected a positive integer`);
      if (k === '--steps') o.steps = Number(v);
      else o.memoryBudgetMb = Number(v);
    } else throw new Error(`${k}: ${usage}`);
  }
  return o;
}

/** Every backend in its own process, one after the other, then the table and the ratio. */
async function main(argv: string[]): Promise<void> {
  const o = parse(argv);
  const results: BackendResult[] = [];
  for (const backend of o.backends) {
    const child = runChildJson<BackendResult>(fileURLToPath(import.meta.url), ['--child', backend, String(o.steps), String(o.memoryBudgetMb)]);
    const r: BackendResult = 'value' in child ? child.value : { backend, snapshots: [], unavailable: `its process failed (${child.error})` };
    results.push(r);
    console.log(
      r.unavailable
        ? `${backend}: unavailable${backend === 'tensorflow' ? ' (`pnpm srl setup tensorflow` builds the native backend)' : ''}: ${r.unavailable}`
        : `${r.policy}: ${o.steps} SFT steps in ${r.seconds?.toFixed(1)} s; peak RSS (VmHWM) ${r.peak?.toFixed(0)} MB`,
    );
  }
  const ran = results.filter((r) => !r.unavailable);
  const mb = (x: number): string => `${x.toFixed(0)} MB`;
  if (ran.length) {
    console.log(`\nresident memory by mapping (smaps), ${o.steps} SFT steps of 8 sequences, memoryBudgetMb ${o.memoryBudgetMb}:`);
    console.log(`${''.padEnd(38)}${ran.map((r) => r.backend.padStart(12)).join('')}`);
    const labels = ran[0].snapshots.map((s) => s.label);
    const parts: [string, keyof Snapshot][] = [
      ['RSS', 'total'],
      ['  libtensorflow* files', 'tfLibs'],
      ['  anonymous (TF, oneDNN, wasm heap)', 'anon'],
      ['  [heap]', 'heap'],
      ['  node binary', 'node'],
    ];
    for (const [i, label] of labels.entries()) {
      console.log(label);
      for (const [name, key] of parts)
        console.log(`${`  ${name}`.padEnd(38)}${ran.map((r) => (r.snapshots[i] ? mb(r.snapshots[i][key] as number) : '-').padStart(12)).join('')}`);
    }
    console.log(`${'peak RSS (VmHWM)'.padEnd(38)}${ran.map((r) => mb(r.peak ?? 0).padStart(12)).join('')}`);
    console.log(`${`${o.steps} SFT steps`.padEnd(38)}${ran.map((r) => `${r.seconds?.toFixed(1)} s`.padStart(12)).join('')}`);
  }
  console.log('');
  const [wasm, native] = (['wasm', 'tensorflow'] as const).map((b) => results.find((r) => r.backend === b));
  if (wasm?.peak !== undefined && native?.peak !== undefined)
    console.log(`peak RSS: tensorflow ${mb(native.peak)} vs wasm ${mb(wasm.peak)} -> tensorflow takes ${(native.peak / wasm.peak).toFixed(2)}x wasm's`);
  else {
    const missing = [wasm, native].filter((r) => r?.unavailable).map((r) => `${r?.backend} unavailable`);
    const hint = native?.unavailable ? ' (`pnpm srl setup tensorflow` builds the native backend)' : '';
    console.log(`peak RSS: no ratio: ${[...missing, ...(o.backends.length < 2 ? ['one backend asked for'] : [])].join(', ')}${hint}`);
  }
}

if (process.argv[2] === '--child') {
  const [backend, steps, budget] = process.argv.slice(3);
  await measure(backend as Backend, Number(steps), Number(budget));
} else await main(process.argv.slice(2));
