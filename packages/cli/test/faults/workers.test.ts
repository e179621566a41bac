// Issue 9 item 4: with the policy's `workers: 2` (data-parallel train steps on worker threads) a SIGINT inside a
// step and a throwing reward still end the process (no worker keeps it alive), and a run interrupted and resumed
// with 2 workers gives the very metrics and weights of an uninterrupted run on 1 thread.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, metrics, readJson, recipeCopy, referenceRun, srl, start, tmp, waitFor, weightsHash } from './run-cli';

describe('faults: gradient workers', () => {
  it('SIGINT inside a step with workers: 2 exits 130; --resume equals the uninterrupted 1-thread run', async () => {
    const dir = tmp();
    // 3 SFT steps of 8 micro-batches: the same micro-batch plan on 1 and 2 threads, so the same bits.
    const one = await referenceRun(recipeCopy('long-step.recipe.yaml', dir, {}, 'one.yaml'));
    const recipe = recipeCopy('long-step.recipe.yaml', dir, { 'maxPositions: 512 } }]': 'maxPositions: 512 }, workers: 2 }]' }, 'two.yaml');
    const out = path.join(dir, 'run');
    const child = start(['train', recipe, '--out', out]);
    const done = finish(child);
    await waitFor(() => metrics(out, '0-sft').length >= 1, child, 120_000);
    process.kill(child.pid!, 'SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(readJson(path.join(out, 'run.json')).status).toBe('interrupted');
    const resumed = await srl(['train', recipe, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(metrics(out, '0-sft')).toEqual(metrics(one, '0-sft'));
    expect(weightsHash(out, '0-sft')).toBe(weightsHash(one, '0-sft'));
  });

  it('a throwing reward with workers: 2 fails the run with exit 1 and the process ends', async () => {
    const dir = tmp();
    const recipe = recipeCopy('fault-reward.recipe.yaml', dir, { MODE: 'throw', GOOD: '1', 'maxPositions: 512 } }]': 'maxPositions: 512 }, workers: 2 }]' });
    const out = path.join(dir, 'run');
    const result = await srl(['train', recipe, '--out', out]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/judge service unavailable/);
    expect(readJson<{ status: string }>(path.join(out, 'run.json')).status).toBe('failed');
    expect(readJson(path.join(out, 'stages', '0-srl-tiny', 'checkpoints', 'latest.json')).step).toBe(1);
  });
});
