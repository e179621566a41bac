// kill -9 at random points of SFT, SRL and a checkpoint write, then --resume: the metrics (time
// fields excepted) and the final weights equal an uninterrupted run's. CI runs two points (one
// random step, one inside a checkpoint write); SRL_KILL_POINTS=10 runs ten random points.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@srl/core';
import { finish, metrics, readJson, recipeCopy, referenceRun, srl, start, tmp, waitFor, weightsHash } from './run-cli';

const STAGES = ['0-sft-tiny', '1-srl-tiny'];
const TOTAL_STEPS = 24; // 12 SFT + 12 SRL steps
const points = Number(process.env.SRL_KILL_POINTS ?? 1);
const seed = Number(process.env.SRL_KILL_SEED ?? 20251030);

const lines = (out: string): number =>
  STAGES.reduce((n, s) => {
    const file = path.join(out, 'stages', s, 'metrics.jsonl');
    return n + (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
  }, 0);

const writingCheckpoint = (out: string): boolean =>
  STAGES.some((s) => {
    const dir = path.join(out, 'stages', s, 'checkpoints');
    return existsSync(dir) && readdirSync(dir).some((e) => e.includes('.tmp-'));
  });

describe('faults: kill -9 and --resume', () => {
  const dir = tmp();
  const recipe = recipeCopy('tiny.recipe.yaml', dir);
  let full = '';
  beforeAll(async () => {
    full = await referenceRun(recipe);
  });

  const rng = new SeededRng(seed);
  const targets = Array.from({ length: points }, () => ({
    step: 1 + Math.floor(rng.uniform32() * (TOTAL_STEPS - 1)),
    delayMs: Math.floor(rng.uniform32() * 40),
  }));
  const cases: [string, (out: string) => boolean, number][] = [
    ...targets.map((t): [string, (out: string) => boolean, number] => [`after ${t.step} steps + ${t.delayMs} ms`, (out) => lines(out) >= t.step, t.delayMs]),
    ['inside a checkpoint write', (out) => lines(out) >= 3 && writingCheckpoint(out), 0],
  ];

  it.each(cases)('killed %s, then resumed: same metrics and final weights', async (_label, when, delayMs) => {
    const out = path.join(dir, `cut-${Math.random().toString(36).slice(2)}`);
    const child = start(['train', recipe, '--out', out]);
    const done = finish(child);
    await waitFor(() => when(out), child);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    process.kill(-child.pid!, 'SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(readJson(path.join(out, 'run.json')).status).toBe('running');
    expect(existsSync(path.join(out, 'run.lock'))).toBe(true); // stale: its process is gone

    const resumed = await srl(['train', recipe, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const stage of STAGES) {
      expect(metrics(out, stage), stage).toEqual(metrics(full, stage));
      expect(weightsHash(out, stage), stage).toBe(weightsHash(full, stage));
    }
  });
});
