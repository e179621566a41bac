// Item 11: truncated and hostile checkpoints, and a diverging run, fail with a message that names
// the file and what to do (no stack trace), before allocating anything large.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJson, recipeCopy, srl, tmp } from './run-cli';

describe('faults: checkpoints', () => {
  const dir = tmp();
  const recipe = recipeCopy('tiny.recipe.yaml', dir);
  const base = path.join(dir, 'base');
  beforeAll(async () => {
    const run = await srl(['train', recipe, '--out', base, '--max-steps', '2']);
    expect(run.code, run.stderr).toBe(0);
  });
  /** A copy of the base run whose SFT latest checkpoint is damaged by `damage(dir)`, resumed. */
  const resumeDamaged = async (damage: (checkpoint: string) => void) => {
    const out = path.join(dir, `copy-${Math.random().toString(36).slice(2)}`);
    cpSync(base, out, { recursive: true });
    const checkpoints = path.join(out, 'stages', '0-sft-tiny', 'checkpoints');
    damage(path.join(checkpoints, readJson<{ dir: string }>(path.join(checkpoints, 'latest.json')).dir));
    return srl(['train', recipe, '--out', out, '--resume', '--max-steps', '3']);
  };

  it.concurrent('a truncated trainer_state.json names the file and the way out', async () => {
    const result = await resumeDamaged((ckpt) => {
      const file = path.join(ckpt, 'trainer_state.json');
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /trainer state .*step-000002\/trainer_state\.json is damaged \(20 bytes, not valid JSON.*Point latest\.json at an earlier step-<n> folder/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.concurrent('a config.json with num_hidden_layers 1e8 is refused before any allocation', async () => {
    const result = await resumeDamaged((ckpt) => {
      const file = path.join(ckpt, 'config.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), num_hidden_layers: 1e8 }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config\.json: numLayers: 100000000, expected at most 1024/);
  });

  it.concurrent('NaN bytes in model.safetensors are refused on load', async () => {
    const result = await resumeDamaged((ckpt) => {
      const file = path.join(ckpt, 'model.safetensors');
      const bytes = readFileSync(file);
      const start = 8 + Number(bytes.readBigUInt64LE(0));
      bytes.writeFloatLE(Number.NaN, start + 4);
      writeFileSync(file, bytes);
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/weight .* holds NaN at index 1; the checkpoint is damaged/);
  });

  it.concurrent('lr 1e9: a diverging stage fails loudly instead of completing with poisoned weights', async () => {
    const diverging = recipeCopy('tiny.recipe.yaml', dir, { 'instances: srl, limit: 8,': 'instances: srl, limit: 8, lr: 1e9,' }, 'diverging.yaml');
    const out = path.join(dir, 'diverging');
    const result = await srl(['train', diverging, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/3 steps in a row up to step \d+ skipped their update as non-finite .*training has diverged/);
    expect(readJson(path.join(out, 'run.json')).status).toBe('failed');
  });

  it.concurrent('from: best after a stage that never validated says so and starts from its last checkpoint', async () => {
    const line = '[srl-tiny, { limit: 8, batchSize: 2, groupSize: 2, maxTokens: 8, maxPromptTokens: 400, epochs: 1, checkpointEvery: 1 }]';
    const fromBest = recipeCopy('tiny.recipe.yaml', dir, { [`  - ${line}`]: `  - { trainer: ${line}, from: best }` }, 'from-best.yaml');
    const result = await srl(['train', fromBest, '--out', path.join(dir, 'from-best'), '--max-steps', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /stage 1 \(1-srl-tiny\): from: best, but the previous stage recorded no best checkpoint \(no validation ran\); starting from its final checkpoint/,
    );
  });
});
