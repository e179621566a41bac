import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('./quiet-v8-helpers.ts', import.meta.url));

/** Runs `body` (an ES module that has `quietV8Helpers` in scope) in a fresh Node process; its stdout and status. */
function runChild(body: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const source = `import { quietV8Helpers } from ${JSON.stringify(module)};\n${body}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Allocation that keeps V8's garbage collector busy: old-space objects (so incremental marking runs) and
// ArrayBuffers (external memory pressure), as a train step's tensors do.
const churn = `
const keep = [];
function churn(rounds) {
  for (let r = 0; r < rounds; r++) {
    keep.push(Array.from({ length: 2000 }, (_, i) => ({ i, s: 'x' + i })), new Float32Array(1 << 16));
    if (keep.length > 400) keep.splice(0, 200);
  }
}`;

describe('quietV8Helpers', () => {
  it('sets the flags once, in a process whose collector is busy, and workers started afterwards run', () => {
    const r = runChild(
      `${churn}
import { Worker } from 'node:worker_threads';
churn(3000);
const first = quietV8Helpers();
churn(3000);
const second = quietV8Helpers();
const worker = new Worker(${JSON.stringify(churn)} + "; churn(3000); import('node:worker_threads').then((w) => w.parentPort.postMessage('done'));", { eval: true });
const reply = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
await worker.terminate();
churn(3000);
console.log(JSON.stringify({ first, second, reply }));`,
      { SRL_V8_HELPERS: '' }, // the test config keeps V8's helpers (vitest.config.ts)
    );
    expect(r.stderr).not.toMatch(/Fatal|Check failed/);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ first: true, second: false, reply: 'done' });
  });

  it('leaves V8 alone with SRL_V8_HELPERS=keep', () => {
    const r = runChild('console.log(JSON.stringify(quietV8Helpers()));', { SRL_V8_HELPERS: 'keep' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('false');
  });
});
