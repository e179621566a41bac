// Items 2 (one run per folder), 3 (resume compares the recipe) and 4 (--max-steps resumable, failed runs).
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, metrics, readJson, recipeCopy, referenceRun, srl, start, tmp, waitFor, weightsHash } from './run-cli';

describe('faults: run folder', () => {
  it('a second run on a folder in use is refused with the holder pid; a stale lock is taken over', async () => {
    const dir = tmp();
    const recipe = recipeCopy('tiny.recipe.yaml', dir);
    const out = path.join(dir, 'run');
    const first = start(['train', recipe, '--out', out]);
    const done = finish(first);
    await waitFor(() => existsSync(path.join(out, 'run.json')), first);
    // Paused while it holds the folder, so that the second run surely overlaps it.
    process.kill(-first.pid!, 'SIGSTOP');
    const second = await srl(['train', recipe, '--out', out, '--resume']);
    process.kill(-first.pid!, 'SIGCONT');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is held by srl process ${first.pid}`);
    expect((await done).code).toBe(0);
    expect(metrics(out, '1-srl-tiny').map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(existsSync(path.join(out, 'run.lock'))).toBe(false);

    // A lock left by a process that is gone (kill -9) does not block the folder.
    writeFileSync(path.join(out, 'run.lock'), `${JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: 'then' })}\n`);
    const resumed = await srl(['train', recipe, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/already complete, skipped/);
  });

  it('--resume with a changed recipe is refused with the changed paths; --allow-recipe-change accepts a change to an unfinished stage and records it', async () => {
    const dir = tmp();
    const recipe = recipeCopy('tiny.recipe.yaml', dir);
    const out2 = path.join(dir, 'run2');
    expect((await srl(['train', recipe, '--out', out2, '--max-steps', '3'])).code).toBe(0);
    const changed = recipeCopy('tiny.recipe.yaml', dir, { 'seed: 3': 'seed: 4', 'groupSize: 2, maxTokens: 8': 'groupSize: 2, maxTokens: 9' }, 'changed.yaml');
    const refused = await srl(['train', changed, '--out', out2, '--resume']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/differs from the one this run was started with .* at: seed, stages\[1\]\.trainer\[1\]\.maxTokens;/);
    const moreTokens = recipeCopy('tiny.recipe.yaml', dir, { 'groupSize: 2, maxTokens: 8': 'groupSize: 2, maxTokens: 9' }, 'more-tokens.yaml');
    const unsafe = await srl(['train', changed, '--out', out2, '--resume', '--allow-recipe-change']);
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr).toMatch(/these cannot change in a run that has started: seed;/);
    const allowed = await srl(['train', moreTokens, '--out', out2, '--resume', '--allow-recipe-change', '--max-steps', '4']);
    expect(allowed.code, allowed.stderr).toBe(0);
    const run = readJson<{ recipeChanges: { paths: string[] }[] }>(path.join(out2, 'run.json'));
    expect(run.recipeChanges.map((c) => c.paths)).toEqual([['stages[1].trainer[1].maxTokens']]);
  });

  it('a run stopped by --max-steps continues to the full length and equals an uninterrupted run', async () => {
    const dir = tmp();
    const recipe = recipeCopy('tiny.recipe.yaml', dir);
    const cut = path.join(dir, 'cut');
    const [full, b] = await Promise.all([referenceRun(recipe), srl(['train', recipe, '--out', cut, '--max-steps', '5'])]);
    expect(b.code, b.stderr).toBe(0);
    expect(readJson(path.join(cut, 'run.json')).status).toBe('stopped');
    const resumed = await srl(['train', recipe, '--out', cut, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readJson(path.join(cut, 'run.json')).status).toBe('complete');
    for (const stage of ['0-sft-tiny', '1-srl-tiny']) {
      expect(metrics(cut, stage), stage).toEqual(metrics(full, stage));
      expect(weightsHash(cut, stage), stage).toBe(weightsHash(full, stage));
    }
  });

  it('a run that fails before its first step is marked failed with the error, and a plain retry starts again', async () => {
    const dir = tmp();
    // Every prompt is longer than maxPromptTokens: known only once the data is tokenized, at run time.
    const broken = recipeCopy(
      'tiny.recipe.yaml',
      dir,
      { 'instances: srl, limit: 8, batchSize: 2, epochs: 1, maxPromptTokens: 400': 'instances: srl, limit: 8, batchSize: 2, epochs: 1, maxPromptTokens: 5' },
      'broken.yaml',
    );
    const out = path.join(dir, 'run');
    const failed = await srl(['train', broken, '--out', out, '--max-steps', '1']);
    expect(failed.code).toBe(2);
    const run = readJson<{ status: string; error: string }>(path.join(out, 'run.json'));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/stage 0 \(0-sft-tiny\): .*all \d+ prompts exceed maxPromptTokens=5/);
    const fixed = recipeCopy('tiny.recipe.yaml', dir);
    const retry = await srl(['train', fixed, '--out', out, '--max-steps', '1']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stderr).toMatch(/failed before its first checkpoint .*; starting again/);
    expect(readJson(path.join(out, 'run.json')).status).toBe('stopped');
  });
});
