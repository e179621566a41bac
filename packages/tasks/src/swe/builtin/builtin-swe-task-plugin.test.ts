import { describe, expect, it } from 'vitest';
import { renderAction, type SweTrajectory } from '@srl/core';
import { SweInstanceBuilder } from '../instances/swe-instance-builder';
import { SWE_SYSTEM_PROMPT } from '../instances/swe-system-prompt';
import { BuiltinSweTaskSet, builtinSweTaskPlugin, type BuiltinSweTaskOptions } from './builtin-swe-task-plugin';

const create = async (options: Partial<BuiltinSweTaskOptions> = {}) =>
  new BuiltinSweTaskSet({ ...(builtinSweTaskPlugin.defaults as BuiltinSweTaskOptions), ...options });

describe('swe/builtin as training data', () => {
  it("gives one SRL instance per expert action, built like a trajectory task's, and SFT instances with the thoughts", async () => {
    const task = await create({ history: 1, maxObservationChars: 50 });
    const { examples } = await task.load('train');
    expect(examples.map((e) => e.id)).toEqual([
      'builtin__node-camelcase',
      'builtin__node-duration',
      'builtin__py-inifile',
      'builtin__py-intervals',
      'builtin__py-slugify',
    ]);
    expect((await task.load('test')).examples).toEqual(examples);
    const builder = new SweInstanceBuilder({ history: 1, maxObservationChars: 50 });
    for (const example of examples) {
      const t = example.metadata!.trajectory as SweTrajectory;
      expect(t.steps.length).toBeGreaterThanOrEqual(4);
      const srl = task.instances(example, 'srl');
      expect(srl).toEqual(builder.build(example, 'srl'));
      expect(srl.map((i) => i.reference)).toEqual(t.steps.map((s) => renderAction(s.action)));
      expect(example.steps).toEqual(srl.map((i) => i.reference));
      expect(srl.at(-1)!.metadata!.tool).toBe('submit');
      expect(srl[0]!.prompt).toEqual([
        { role: 'system', content: SWE_SYSTEM_PROMPT },
        { role: 'user', content: t.issue },
      ]);
      const sft = task.instances(example, 'sft');
      expect(sft[1]!.reference).toBe(`<think>\n${t.steps[1]!.thought}\n</think>\n${renderAction(t.steps[1]!.action)}`);
    }
  });

  it('gives one RLVR instance per task: the system prompt and the issue, what the agent sees first', async () => {
    const task = await create({ tasks: ['py-slugify'], systemPrompt: 'Fix it.' });
    const [example] = (await task.load('test')).examples;
    expect(task.instances(example!, 'rlvr')).toEqual([
      {
        id: 'builtin__py-slugify#rlvr',
        exampleId: 'builtin__py-slugify',
        kind: 'rlvr',
        prompt: [
          { role: 'system', content: 'Fix it.' },
          { role: 'user', content: example!.problem },
        ],
        reference: '',
        metadata: { instanceId: 'builtin__py-slugify', name: 'py-slugify' },
      },
    ]);
    await expect(task.load('validation')).rejects.toThrow(/splits "train" and "test"/);
  });
});
