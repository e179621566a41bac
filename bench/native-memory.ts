// Benchmark: where a tensorflow-backend process's resident memory goes, one run.
// Run: pnpm bench native-memory [--backend tensorflow|wasm] [--steps 12] [--memory-budget-mb 256]
// The quickstart's model (llama-tiny 64 x 2 layers, byte tokenizer) takes `steps` SFT steps of 8 sequences of
// varying length (prompts of 200-639 tokens, completions of 20-119, as the quickstart's GSM8K step instances),
// then the process's resident set is split by mapping from /proc/self/smaps (Linux): libtensorflow's libraries
// (resident part of the mapped files), anonymous memory (TensorFlow's and oneDNN's working memory, the wasm
// heap), glibc's [heap]. Environment knobs that TensorFlow reads when it starts (TF_ENABLE_ONEDNN_OPTS,
// TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS) and glibc's MALLOC_* variables apply as set for the process.
import { readFileSync } from 'node:fs';
import { TfjsTransformerPolicy } from '../packages/policies/src/tfjs-transformer-policy.ts';

const args = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!['--backend', '--steps', '--memory-budget-mb'].includes(argv[i]) || argv[i + 1] === undefined)
    throw new Error(`${argv[i]}: expected --backend tensorflow|wasm, --steps N or --memory-budget-mb MB, each with a value`);
  args.set(argv[i].slice(2), argv[i + 1]);
}
const backend = (args.get('backend') ?? 'tensorflow') as 'tensorflow' | 'wasm';
const steps = Number(args.get('steps') ?? 12);
const memoryBudgetMb = Number(args.get('memory-budget-mb') ?? 256);

/** Resident kB per mapping name (a file's base name, [heap], [anon] for anonymous memory). */
function residentByMapping(): Map<string, number> {
  const out = new Map<string, number>();
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) name = head[1] === '' ? '[anon]' : head[1].replace(/.*\//, '');
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out.set(name, (out.get(name) ?? 0) + Number(rss[1]));
  }
  return out;
}

function report(label: string): void {
  const m = residentByMapping();
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
  const tfLibs = [...m].filter(([n]) => n.startsWith('libtensorflow')).reduce((a, [, v]) => a + v, 0);
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${label.padEnd(16)} RSS ${mb(total)}: libtensorflow* ${mb(tfLibs)}, anonymous ${mb(m.get('[anon]') ?? 0)}, [heap] ${mb(m.get('[heap]') ?? 0)}, node ${mb(m.get('node') ?? 0)}`,
  );
}

report('start');
const policy = await TfjsTransformerPolicy.create({
  preset: 'llama-tiny',
  config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 },
  tokenizer: 'byte',
  backend,
  memoryBudgetMb,
});
report('policy created');
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
const seconds = (performance.now() - t0) / 1000;
report(`after ${steps} steps`);
const peak = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
console.log(`${policy.name}: ${steps} SFT steps in ${seconds.toFixed(1)} s; peak RSS (VmHWM) ${(Number(peak) / 1024).toFixed(0)} MB`);
policy.dispose();
