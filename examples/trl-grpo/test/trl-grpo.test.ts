// The whole example from scratch: srl trains a step-wise SFT checkpoint (Hugging Face layout),
// exports the TRL dataset and serves the reward; TRL's GRPOTrainer runs two steps on CPU with it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPluginEnvironment } from '@srl/cli';
import { createTrainablePolicy, loadRecipe } from '@srl/core';
import { quietLogger } from '@srl/core/testing';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const root = path.join(here, '..', '..');
const srlArgs = ['--import', 'tsx', '--conditions=source', path.join(root, 'packages', 'cli', 'src', 'bin.ts')];
const srl = (...args: string[]) => {
  const r = spawnSync(process.execPath, [...srlArgs, ...args], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

describe('examples/trl-grpo', () => {
  it('runs GRPO steps in TRL on an srl checkpoint, with rewards from srl serve reward', async () => {
    // Created once per machine (node_modules/.cache/srl-py), reused afterwards.
    const venv = execFileSync(path.join(here, 'setup-venv.sh'), { encoding: 'utf8', timeout: 900_000 }).trim();
    const out = mkdtempSync(path.join(tmpdir(), 'srl-trl-grpo-'));
    const recipe = path.join(here, 'recipe.yaml');
    srl('train', recipe, '--out', path.join(out, 'run'));
    const final = JSON.parse(readFileSync(path.join(out, 'run', 'stages', '0-sft-tiny', 'checkpoints', 'final.json'), 'utf8'));
    const checkpoint = path.join(out, 'run', 'stages', '0-sft-tiny', 'checkpoints', final.dir);
    const data = path.join(out, 'trl.jsonl');
    srl('export', recipe, '--format', 'trl', '--out', data);
    const exported = new Map(
      readFileSync(data, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((r) => [r.instance_id, r]),
    );

    const server = spawn(process.execPath, [...srlArgs, 'serve', 'reward', recipe, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        server.stdout!.on('data', (d) => {
          text += String(d);
          const m = /listening on (\S+)/.exec(text);
          if (m) resolve(m[1]);
        });
        server.once('exit', (code) => reject(new Error(`reward server exited with ${code}`)));
      });
      const log = path.join(out, 'trl-log.json');
      const trl = spawnSync(
        path.join(venv, 'bin', 'python'),
        [
          path.join(here, 'train_grpo.py'),
          '--model',
          checkpoint,
          '--data',
          data,
          '--reward-url',
          url,
          '--output-dir',
          path.join(out, 'trl'),
          '--cpu',
          '--max-steps',
          '2',
          '--log-file',
          log,
        ],
        { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } },
      );
      expect(trl.status, trl.stderr.slice(-3000)).toBe(0);
      const { calls, log_history } = JSON.parse(readFileSync(log, 'utf8')) as {
        calls: { rows: Record<string, unknown>[]; rewards: (number | null)[] }[];
        log_history: Record<string, number>[];
      };

      // Two GRPO steps of 4 completions (one group of G = 4), each scored by one call to the server.
      expect(calls.map((c) => c.rows.length)).toEqual([4, 4]);
      expect(((await (await fetch(`${url}/health`)).json()) as { requests: number }).requests).toBe(2);
      for (const row of calls.flatMap((c) => c.rows)) expect(row.reference).toBe(exported.get(String(row.instanceId))?.reference);
      // The rewards TRL trained on are srl's step-similarity of those rows.
      const rows = path.join(out, 'rows.jsonl');
      writeFileSync(
        rows,
        calls
          .flatMap((c) => c.rows)
          .map((r) => JSON.stringify(r))
          .join('\n'),
      );
      const rescored = srl('reward', 'step-similarity', '--options', '{"format":"plain"}', '--input', rows)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).reward);
      expect(calls.flatMap((c) => c.rewards)).toEqual(rescored);
      const steps = log_history.filter((h) => 'reward' in h);
      expect(steps).toHaveLength(2);
      expect(steps[0].reward).toBeCloseTo(rescored.slice(0, 4).reduce((a, b) => a + b, 0) / 4, 4);
      // The checkpoint TRL saved loads back into srl's policy (srl -> TRL -> srl).
      expect(existsSync(path.join(out, 'trl', 'model.safetensors'))).toBe(true);
      const env = await createPluginEnvironment({ discover: false });
      const policy = await createTrainablePolicy(env.registry, (await loadRecipe(recipe, env)).policy, {}, { logger: quietLogger, baseDir: here });
      try {
        await policy.load(path.join(out, 'trl'));
        const [gen] = await policy.generate([[{ role: 'user', content: 'What is 2 + 3?' }]], { n: 1, temperature: 0, topP: 1, maxTokens: 4 });
        expect(gen.samples[0].tokenIds.length).toBeGreaterThan(0);
      } finally {
        await policy.dispose();
      }
    } finally {
      server.kill('SIGTERM');
    }
  });
});
