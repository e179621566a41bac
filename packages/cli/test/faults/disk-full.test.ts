// A full disk: the run fails with an explained error, keeps its last complete checkpoint, and
// once there is space again --resume finishes it exactly like an uninterrupted run. Needs root
// (mount -t tmpfs); skipped, with a note, where mounting is impossible.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metrics, readJson, recipeCopy, referenceRun, srl, tmp, weightsHash } from './run-cli';

const dir = tmp();
const disk = path.join(dir, 'disk');
mkdirSync(disk);
let mounted = false;
try {
  // Room for the first stage and part of the second (a finished run takes about 1.1 MB).
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=640k', 'tmpfs', disk], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  console.warn(`faults/disk-full: skipped, cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); run as root to include it`);
}

describe.skipIf(!mounted)('faults: full disk', () => {
  afterAll(() => {
    execFileSync('umount', [disk]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with "disk full" and the way out, and resumes to the same result once there is space', async () => {
    const recipe = recipeCopy('tiny.recipe.yaml', dir);
    const out = path.join(disk, 'run');
    const [full, filled] = await Promise.all([referenceRun(recipe), srl(['train', recipe, '--out', out])]);
    expect(filled.code).toBe(1);
    expect(filled.stderr).toMatch(/no space left on the disk that holds .*; free some space, then continue with --resume/);

    execFileSync('mount', ['-o', 'remount,size=16m', disk]);
    const resumed = await srl(['train', recipe, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readJson(path.join(out, 'run.json')).status).toBe('complete');
    for (const stage of ['0-sft-tiny', '1-srl-tiny']) {
      expect(metrics(out, stage), stage).toEqual(metrics(full, stage));
      expect(weightsHash(out, stage), stage).toBe(weightsHash(full, stage));
    }
  });
});
