// RSS of a TF-backend process after SFT-like steps of varying lengths, split by mapping (from /proc/self/smaps).
import { readFileSync } from 'node:fs';
import { TfjsTransformerPolicy } from '../packages/policies/src/tfjs-transformer-policy.ts';
const smaps = (): Map<string, number> => {
  const out = new Map<string, number>();
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) { name = m[1] === '' ? '[anon]' : m[1].replace(/.*\//, ''); continue; }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r) out.set(name, (out.get(name) ?? 0) + Number(r[1]));
  }
  return out;
};
const show = (label: string): void => {
  const m = smaps();
  const tfLibs = [...m].filter(([n]) => n.startsWith('libtensorflow')).reduce((a, [, v]) => a + v, 0);
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`${label}: rss ${(total / 1024).toFixed(0)} MB; libtensorflow* ${(tfLibs / 1024).toFixed(0)} MB; anon ${((m.get('[anon]') ?? 0) / 1024).toFixed(0)} MB; heap ${((m.get('[heap]') ?? 0) / 1024).toFixed(0)} MB; top`, [...m].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, v]) => `${n} ${(v / 1024).toFixed(0)}`).join(', '));
};
show('start');
const backend = (process.argv[2] ?? 'tensorflow') as 'tensorflow';
const policy = await TfjsTransformerPolicy.create({ preset: 'llama-tiny', config: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 176, maxPositions: 768 }, tokenizer: 'byte', backend, memoryBudgetMb: Number(process.argv[3] ?? 256) });
show('policy created');
let s = 1;
const rnd = (k: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % k; };
const t0 = performance.now();
for (let i = 0; i < 12; i++) {
  const items = Array.from({ length: 8 }, () => ({ promptTokenIds: Array.from({ length: 200 + rnd(440) }, () => 3 + rnd(250)), completionTokenIds: Array.from({ length: 20 + rnd(100) }, () => 3 + rnd(250)) }));
  await policy.trainStep({ objective: { kind: 'cross-entropy' }, items, learningRate: 1e-3, maxGradNorm: 1 });
}
console.log('12 varied sft steps', (performance.now() - t0).toFixed(0), 'ms');
show('after steps');
console.log('peak (VmHWM)', /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1], 'kB');
