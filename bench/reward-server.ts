// Benchmark: `srl serve reward step-similarity` against a minimal CPython server (http.server +
// difflib, bench/reward-server.py), same protocol, same requests, one run, loopback only.
// Run: pnpm bench reward-server [--requests N] [--seconds S] [--concurrency C] [--rounds R]
// Workload: OpenRLHF remote-reward batches (POST / {query, prompts, labels}) of 8 rollouts for one
// GSM8K expert step (SRL §4.2 groups): other real steps and edited copies of the expert step, each
// as prompt + response + end token. Every reward is checked equal (bit for bit) on both servers
// before timing. Each server gets the same bounded load: at most N requests or S seconds, from C
// concurrent keep-alive clients in this process, after a warm-up; R rounds alternate between the
// servers and each server's best round is reported. srl runs with one worker and with one per core
// (`--workers`); the CPython server is threaded (one core: the GIL). requests/CPU-s counts the
// server's own CPU time (all its processes), i.e. its throughput per core whatever else runs on
// the machine. The last line is the ratio of requests/s (best srl / CPython).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rolloutSource } from './rollouts.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const PYTHON = process.env.PYTHON ?? 'python3';
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
  },
});
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const GROUP = 8;

const { pick, edit } = rolloutSource(11);

/** 200 OpenRLHF request bodies, each one group of 8 rollouts for one expert step. */
function buildBodies(): string[] {
  const rows = readFileSync(path.resolve(root, '../shared/data/gsm8k/train.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { question: string; answer: string });
  const all = rows.flatMap((r) => r.answer.split('\n').filter((s) => !s.startsWith('####')));
  return Array.from({ length: 200 }, () => {
    const row = pick(rows);
    const steps = row.answer.split('\n').filter((s) => !s.startsWith('####'));
    const expert = pick(steps);
    const prompt = `<|im_start|>system\nContinue the solution with the single next step.<|im_end|>\n<|im_start|>user\n${row.question}<|im_end|>\n<|im_start|>assistant\n`;
    const rollouts = [pick(steps), pick(all), pick(all), edit(expert, 0.1), edit(expert, 0.3), edit(expert, 0.5), edit(expert, 0.2), expert].slice(0, GROUP);
    return JSON.stringify({ query: rollouts.map((r) => `${prompt}${r}<|im_end|>`), prompts: rollouts.map(() => prompt), labels: rollouts.map(() => expert) });
  });
}

function start(command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${err}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST on a kept-alive node:http connection (lighter than fetch, so the client is not the bottleneck). */
function post(url: string, body: string): Promise<{ rewards: (number | null)[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as { rewards: (number | null)[] });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process and its children (cluster workers) have used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const own = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return own + children.reduce((sum, c) => sum + cpuSeconds(c), 0);
}

interface Figures {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Requests per CPU-second of the server process: its throughput on one dedicated core. */
  perCpuSecond: number;
}

/** Bounded closed-loop load: C clients, each sending its next request when the last is answered. */
async function load(url: string, pid: number, bodies: string[]): Promise<Figures> {
  for (let i = 0; i < 50; i++) await post(url, bodies[i % bodies.length]); // warm-up
  const cpu0 = cpuSeconds(pid);
  const latencies: number[] = [];
  let sent = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < REQUESTS && performance.now() < deadline) {
        const body = bodies[sent++ % bodies.length];
        const t = performance.now();
        await post(url, body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), perCpuSecond: latencies.length / cpu };
}

async function main(): Promise<void> {
  const bodies = buildBodies();
  const cores = os.cpus().length;
  const srlServer = (workers: number) =>
    start(process.execPath, [
      '--import',
      'tsx',
      '--conditions=source',
      path.join(root, 'packages/cli/src/bin.ts'),
      'serve',
      'reward',
      'step-similarity',
      '--options',
      '{"format":"plain"}',
      '--port',
      '0',
      '--workers',
      String(workers),
    ]);
  const servers: Record<string, { url: string; child: ChildProcess }> = {
    srl: await srlServer(1),
    ...(cores > 1 ? { [`srl x${cores}`]: await srlServer(cores) } : {}),
    cpython: await start(PYTHON, [path.join(root, 'bench/reward-server.py'), '0']),
  };
  try {
    // Same rewards, bit for bit, on every request before anything is timed.
    for (const [i, body] of bodies.entries()) {
      const [b, ...others] = await Promise.all([
        post(servers.cpython.url, body),
        ...Object.entries(servers)
          .filter(([n]) => n !== 'cpython')
          .map(([, s]) => post(s.url, body)),
      ]);
      for (const a of others) {
        a.rewards.forEach((r, k) => {
          if (!Object.is(r, b.rewards[k])) throw new Error(`request ${i} rollout ${k}: srl ${r}, CPython ${b.rewards[k]}`);
        });
      }
    }
    console.log(
      `reward server, OpenRLHF batches of ${GROUP} rollouts (GSM8K steps), step-similarity; ${CONCURRENCY} keep-alive clients; at most ${REQUESTS} requests or ${SECONDS} s per round, best of ${ROUNDS}; node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'} x${cores}`,
    );
    console.log(`load average ${os.loadavg()[0].toFixed(2)} (other work on this machine slows both servers)`);
    console.log('server      requests  seconds  requests/s  rollouts/s  p50 ms  p99 ms  requests/CPU-s');
    const figures: Record<string, Figures> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, s] of Object.entries(servers)) {
        const f = await load(s.url, s.child.pid!, bodies);
        if (!figures[name] || f.rps > figures[name].rps) figures[name] = f;
      }
    }
    for (const [name, f] of Object.entries(figures)) {
      console.log(
        `${name.padEnd(10)}  ${String(f.requests).padStart(8)}  ${f.seconds.toFixed(2).padStart(7)}  ${f.rps.toFixed(1).padStart(10)}  ${(f.rps * GROUP).toFixed(0).padStart(10)}  ${f.p50.toFixed(2).padStart(6)}  ${f.p99.toFixed(2).padStart(6)}  ${f.perCpuSecond.toFixed(0).padStart(14)}`,
      );
    }
    const best = Object.entries(figures)
      .filter(([n]) => n !== 'cpython')
      .sort((a, b) => b[1].rps - a[1].rps)[0];
    console.log(`requests per server CPU-second, srl / CPython: ${(figures.srl.perCpuSecond / figures.cpython.perCpuSecond).toFixed(2)}x`);
    console.log(`throughput ratio (requests/s) ${best[0]} / CPython: ${(best[1].rps / figures.cpython.rps).toFixed(2)}x (target >= 10x)`);
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
  }
}

await main();
