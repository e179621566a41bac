// The SWE commands run real sandboxes: they fail (not skip) where bubblewrap cannot create one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { srl } from './run-srl';

describe('srl swe', () => {
  it('check-sandbox contains every hostile action and exits 0', async () => {
    const { code, out } = await srl(['swe', 'check-sandbox']);
    const lines = out.trim().split('\n');
    for (const name of [
      'write /',
      'write $HOME',
      'write /tmp',
      'write the project checkout',
      'read a host secret',
      'network',
      'endless loop',
      'fork bomb',
      '1 GB of output',
      'background process',
      'symlink pointing outside',
    ]) {
      expect(
        lines.some((l) => l.startsWith(`contained  ${name}`)),
        `${name} in:\n${out}`,
      ).toBe(true);
    }
    expect(lines.at(-1)).toBe('all 11 checks contained');
    expect(code).toBe(0);
  });

  it('replay resolves a built-in task; exec prints each observation and exit status', async () => {
    const replay = await srl(['swe', 'replay', '--task', 'node-camelcase']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out)).toMatchObject({ task: 'node-camelcase', resolved: true, steps: 7, failing: [] });

    const view =
      '<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/testbed/src/case.js</parameter>\n<parameter=view_range>[4, 4]</parameter>\n</function>';
    const exec = await srl(['swe', 'exec', '--task', 'node-camelcase', '--bash', 'ls src; exit 3', '--action', view]);
    expect(exec.code).toBe(0);
    const [ls, shown] = exec.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ls).toMatchObject({ tool: 'bash', observation: 'case.js\n', exitCode: 3, timedOut: false });
    expect(shown).toMatchObject({
      tool: 'str_replace_editor',
      ok: true,
      observation: "Here's the result of running `cat -n` on /testbed/src/case.js:\n     4\tfunction toCamelCase(text) {\n",
    });
    expect((await srl(['swe', 'replay', '--task', 'nope'])).err).toMatch(/unknown built-in SWE task "nope"; expected one of: node-camelcase/);
  });

  it('srl eval on swe/builtin runs agent episodes and reports the resolve rate (a random tiny model resolves nothing)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srl-swe-eval-'));
    const prompt = 'Fix the bug. Reply with one <function=bash> call.';
    writeFileSync(
      path.join(dir, 'recipe.json'),
      JSON.stringify({
        name: 'swe-eval',
        policy: [
          'tfjs-transformer',
          {
            preset: 'llama-tiny',
            config: { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 64, maxPositions: 2048 },
            tokenizer: 'byte',
          },
        ],
        task: ['swe/builtin', { maxSteps: 2, systemPrompt: prompt }],
        rewards: ['tests-pass'],
        stages: [],
        eval: { benchmarks: [['swe/builtin', { tasks: ['py-slugify'], maxSteps: 2, systemPrompt: prompt }]], maxTokens: 4 },
      }),
    );
    const { code, out } = await srl(['eval', path.join(dir, 'recipe.json'), '--out', path.join(dir, 'eval')]);
    expect(code).toBe(0);
    expect(out).toContain('| swe-builtin | test | 1 | 0 | 0 | 0 | 0.0 | 0.0 |');
    const [trajectory] = readFileSync(path.join(dir, 'eval', 'swe-builtin.trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trajectory).toMatchObject({ instanceId: 'builtin__py-slugify', resolved: false });
    const [prediction] = readFileSync(path.join(dir, 'eval', 'swe-builtin.predictions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(prediction).toEqual({ instance_id: 'builtin__py-slugify', model_name_or_path: expect.any(String), model_patch: expect.any(String) });
  });
});
