// Items 5 and 6: a reward that hangs, throws or returns a wrong list fails the step, names the
// plugin (and the first bad index), keeps a checkpoint of the last good step and marks the run failed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, recipeCopy, srl, tmp } from './run-cli';

const cases: [string, RegExp][] = [
  ['hang', /reward "fault\/reward" \(rewards\[0\]\.reward\) did not answer within 2 s for a batch of 4 inputs/],
  ['throw', /reward "fault\/reward" \(rewards\[0\]\.reward\) failed on a batch of 4 inputs: judge service unavailable/],
  ['short', /reward "fault\/reward" \(rewards\[0\]\.reward\) returned 3 results for 4 inputs/],
  ['long', /reward "fault\/reward" \(rewards\[0\]\.reward\) returned 5 results for 4 inputs/],
  ['nan', /reward "fault\/reward" \(rewards\[0\]\.reward\): result 1 has reward NaN; expected a finite number, or null/],
  ['string', /reward "fault\/reward" \(rewards\[0\]\.reward\): result 0 has reward "0\.5" \(a string\)/],
];

describe('faults: rewards', () => {
  it.concurrent.each(cases)('a reward that misbehaves (%s) fails the run with exit 1 and a checkpoint of the last good step', async (mode, message) => {
    const dir = tmp();
    // Two good batches (steps 1 and 2), then the fault at step 3. Checkpoints only every 10 steps,
    // so the step-2 checkpoint is the one written on failure.
    const recipe = recipeCopy('fault-reward.recipe.yaml', dir, { MODE: mode, GOOD: '2', 'checkpointEvery: 1': 'checkpointEvery: 10' });
    const out = path.join(dir, 'run');
    const result = await srl(['train', recipe, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    const run = readJson<{ status: string; error: string }>(path.join(out, 'run.json'));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(message);
    expect(readJson(path.join(out, 'stages', '0-srl-tiny', 'checkpoints', 'latest.json')).step).toBe(2);
  });

  it('work left pending with nothing to run (a promise that never settles) exits 1 with the reason, never 0', async () => {
    const dir = tmp();
    const recipe = recipeCopy('fault-reward.recipe.yaml', dir, {
      MODE: 'throw',
      GOOD: '0',
      'policy: [tfjs-transformer,': 'policy: [fault/stuck-policy, {}]\nunused: [tfjs-transformer,',
    });
    writeFileSync(recipe, readFileSync(recipe, 'utf8').replace(/^unused: .*\n/m, ''));
    const result = await srl(['train', recipe, '--out', path.join(dir, 'run')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the command stopped before it finished: work was still pending with nothing left to run/);
  });
});
