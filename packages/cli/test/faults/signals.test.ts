// Item 8: SIGINT takes effect at the next step boundary (the loop yields between steps), saves and exits 130.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, metrics, readJson, recipeCopy, start, tmp, waitFor } from './run-cli';

describe('faults: signals', () => {
  it('SIGINT during a long stage without checkpoints stops at the next step, saves it and exits 130', async () => {
    const dir = tmp();
    // 48 SFT steps and no periodic checkpoint: before the fix the signal was seen only at the stage's end.
    const recipe = recipeCopy('tiny.recipe.yaml', dir, { 'batchSize: 2, epochs: 1, maxPromptTokens: 400, checkpointEvery: 1': 'batchSize: 1, epochs: 2, maxPromptTokens: 400, checkpointEvery: 0' });
    const out = path.join(dir, 'run');
    const child = start(['train', recipe, '--out', out]);
    const done = finish(child);
    const metricsFile = path.join(out, 'stages', '0-sft-tiny', 'metrics.jsonl');
    await waitFor(() => {
      try {
        return readFileSync(metricsFile, 'utf8').split('\n').length > 2;
      } catch {
        return false;
      }
    }, child);
    const seen = metrics(out, '0-sft-tiny').length;
    process.kill(child.pid!, 'SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    const steps = metrics(out, '0-sft-tiny').length;
    // At most a couple of steps after the one seen when the signal was sent (the step under way and the poll's lag).
    expect(steps).toBeLessThan(seen + 4);
    expect(steps).toBeLessThan(48);
    expect(readJson(path.join(out, 'stages', '0-sft-tiny', 'checkpoints', 'latest.json')).step).toBe(steps);
    expect(readJson(path.join(out, 'run.json')).status).toBe('interrupted');
  });
});
