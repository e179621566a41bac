import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const recipe = fileURLToPath(new URL('./crash-test.recipe.yaml', import.meta.url));
const cli = path.join(root, 'packages', 'cli', 'src', 'bin.ts');
// node itself (not the tsx wrapper), so that signals and exit codes are the CLI's own.
const node = process.execPath;
const args = (out: string, ...extra: string[]) => ['--import', 'tsx', '--conditions=source', cli, 'train', recipe, '--out', out, '--max-steps', '6', ...extra];

/** Metric lines without wall-clock figures. */
function metrics(out: string, stage: string): Record<string, unknown>[] {
  return readFileSync(path.join(out, 'stages', stage, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith('time/') && !k.startsWith('memory/') && k !== 'tokens/s')));
}

describe('crash safety', () => {
  it('kill -9 in the middle of a run, then --resume, gives the same metrics as an uninterrupted run', async () => {
    const full = mkdtempSync(path.join(tmpdir(), 'srl-full-'));
    const run = spawnSync(node, args(full), { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);

    const cut = mkdtempSync(path.join(tmpdir(), 'srl-cut-'));
    const child = spawn(node, args(cut), { cwd: root, stdio: 'ignore', detached: true });
    // Kill the whole process group hard once the SRL stage has a checkpoint and more steps are under way.
    const pointer = path.join(cut, 'stages', '1-srl-tiny', 'checkpoints', 'latest.json');
    const deadline = Date.now() + 240_000;
    while (!(existsSync(pointer) && JSON.parse(readFileSync(pointer, 'utf8')).step >= 2)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the run ended before it could be killed');
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(JSON.parse(readFileSync(path.join(cut, 'run.json'), 'utf8')).status).toBe('running');

    const resumed = spawnSync(node, args(cut, '--resume'), { cwd: root, encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    for (const stage of ['0-sft-tiny', '1-srl-tiny']) expect(metrics(cut, stage), stage).toEqual(metrics(full, stage));
  });

  it('SIGTERM saves a checkpoint and exits cleanly with 130', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'srl-term-'));
    const child = spawn(node, args(out), { cwd: root, stdio: 'ignore' });
    const metricsFile = path.join(out, 'stages', '1-srl-tiny', 'metrics.jsonl');
    const deadline = Date.now() + 240_000;
    while (!existsSync(metricsFile)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the run ended before the signal');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('interrupted');
    const done = readFileSync(metricsFile, 'utf8').trim().split('\n').length;
    const latest = JSON.parse(readFileSync(path.join(out, 'stages', '1-srl-tiny', 'checkpoints', 'latest.json'), 'utf8'));
    expect(latest.step).toBe(done);
  });
});
