// Benchmark: KV-cached generate() of two checkouts of this repository, in lockstep, by CPU time.
// Run: pnpm bench generate-pair <checkout A> <checkout B> [--pairs 20] [--preset gpt2-bench] [--new-tokens 48]
// Each checkout runs in its own process (on its own sources, wasm backend) the generation of `pnpm bench policy`:
// 4 prompts of 16 random tokens, 4 samples each, `new-tokens` tokens at temperature 1, on a random model. The
// parent asks A for one generate() call, then B, then B, then A, ... and each reports the process's CPU time for
// the call (process.cpuUsage: this thread plus V8's helper threads). On a machine shared with other work, wall
// times measure the other work; CPU time of calls taken in turn measures the code. Prints the medians, the median
// of the per-pair ratios B/A and how many pairs B won, and a hash of each side's tokens from a fixed seed (equal
// hashes: the two checkouts sample the same tokens).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const preset = flag('preset', 'gpt2-bench');
const newTokens = Number(flag('new-tokens', '48'));

if (argv[0] === '--worker') await worker(path.resolve(argv[1]));
else await parent();

/** One checkout's side: answers each "run" line on stdin with "cpuMs wallMs". */
async function worker(root: string): Promise<void> {
  const at = (p: string): string => path.join(root, p);
  const tf = createRequire(at('packages/policies/package.json'))('@tensorflow/tfjs-core');
  const { selectBackend } = await import(at('packages/policies/src/backend/select-backend.ts'));
  const { generate } = await import(at('packages/policies/src/generation/generate.ts'));
  const { Transformer } = await import(at('packages/policies/src/model/transformer.ts'));
  const { transformerPreset } = await import(at('packages/policies/src/model/presets.ts'));
  const { SeededRng } = await import(at('packages/core/src/training/seeded-rng.ts'));
  await selectBackend({ backend: 'wasm' });
  const config = transformerPreset(preset);
  config.maxPositions = Math.max(config.maxPositions, 16 + newTokens);
  const model = Transformer.random(config, 0);
  const data = new SeededRng(1);
  const prompts = Array.from({ length: 4 }, () => Array.from({ length: 16 }, () => data.nextUint32() % config.vocabSize));
  const options = { n: 4, maxTokens: newTokens, eosTokenIds: [], temperature: 1, topP: 1, topK: 0 };
  const tokens = JSON.stringify(
    (await generate(model, prompts, { ...options, rng: new SeededRng(9) })).map((g: { tokenIds: number[] }[]) => g.map((s) => s.tokenIds)),
  );
  let hash = 0;
  for (let i = 0; i < tokens.length; i++) hash = (hash * 31 + tokens.charCodeAt(i)) | 0;
  const rng = new SeededRng(2);
  for (let i = 0; i < 3; i++) await generate(model, prompts, { ...options, rng });
  console.log(`ready ${(hash >>> 0).toString(16)} ${tf.memory().numTensors}`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line !== 'run') break;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await generate(model, prompts, { ...options, rng });
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    console.log(`${(c.user + c.system) / 1000} ${wall}`);
  }
  process.exit(0);
}

async function parent(): Promise<void> {
  const [a, b] = argv.filter((x, i) => !x.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  if (a === undefined || b === undefined)
    throw new Error('usage: pnpm bench generate-pair <checkout A> <checkout B> [--pairs N] [--preset P] [--new-tokens N]');
  const pairs = Number(flag('pairs', '20'));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const start = (root: string) => {
    const p = spawn(tsx, ['--conditions=source', fileURLToPath(import.meta.url), '--worker', root, '--preset', preset, '--new-tokens', String(newTokens)], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    let waiting: ((l: string) => void) | null = null;
    readline.createInterface({ input: p.stdout }).on('line', (l) => {
      if (waiting === null) lines.push(l);
      else {
        const w = waiting;
        waiting = null;
        w(l);
      }
    });
    const next = (): Promise<string> => new Promise((res) => (lines.length > 0 ? res(lines.shift() as string) : (waiting = res)));
    return { root, next, send: (s: string) => p.stdin.write(`${s}\n`), cpu: [] as number[], wall: [] as number[] };
  };
  const sides = [start(path.resolve(a)), start(path.resolve(b))];
  for (const s of sides) console.log(`${s.root}: ${await s.next()} (token hash, tensors)`);
  for (let i = 0; i < pairs; i++) {
    for (const s of i % 2 === 0 ? sides : [...sides].reverse()) {
      s.send('run');
      const [cpu, wall] = (await s.next()).split(' ').map(Number);
      s.cpu.push(cpu);
      s.wall.push(wall);
    }
  }
  for (const s of sides) s.send('quit');
  const median = (xs: number[]): number => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 === 1 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  for (const s of sides)
    console.log(`${s.root}: CPU ${median(s.cpu).toFixed(2)} ms per generate() call (median of ${pairs}), wall ${median(s.wall).toFixed(2)} ms`);
  const ratios = sides[0].cpu.map((x, i) => sides[1].cpu[i] / x);
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`B / A CPU time: ${median(ratios).toFixed(3)} (median of pair ratios), B faster in ${ratios.filter((r) => r < 1).length} of ${pairs} pairs`);
}
