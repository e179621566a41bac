import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  definePlugin,
  Environment,
  ENVIRONMENT_SPEC_VERSION,
  PluginRegistry,
  POLICY_SPEC_VERSION,
  renderAction,
  type Generation,
  type Policy,
  type StepOutcome,
  type SweAction,
  type SweTrajectory,
  type Task,
} from '@srl/core';
import { quietLogger } from '@srl/core/testing';
import type { SweTask } from '../env/swe-environment';
import { sweEnvironmentPlugin } from '../env/swe-environment-plugin';
import { SweInstanceBuilder } from '../instances/swe-instance-builder';
import { SWE_SYSTEM_PROMPT } from '../instances/swe-system-prompt';
import { BuiltinSweTaskSet, builtinSweTaskPlugin, type BuiltinSweTaskOptions } from './builtin-swe-task-plugin';

const create = async (options: Partial<BuiltinSweTaskOptions> = {}) =>
  new BuiltinSweTaskSet({ ...(builtinSweTaskPlugin.defaults as BuiltinSweTaskOptions), ...options }, () => {
    throw new Error('no environment in these tests');
  });

/** An environment that records what the agent does in it and submits an empty patch (no sandbox). */
class RecordingEnvironment implements Environment<SweTask, SweAction> {
  readonly specVersion = ENVIRONMENT_SPEC_VERSION;
  readonly name = 'recording';
  readonly calls: string[] = [];
  async reset(task: SweTask): Promise<string> {
    this.calls.push(`reset ${task.instanceId}`);
    return task.issue;
  }
  async step(action: SweAction): Promise<StepOutcome> {
    this.calls.push(`step ${action.tool}`);
    return { observation: '', done: action.tool === 'submit', reward: null, info: { patch: '' } };
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
}

/** A policy that submits at once. */
const submitter: Policy = {
  specVersion: POLICY_SPEC_VERSION,
  name: 'submitter',
  async generate(prompts): Promise<Generation[]> {
    const text = 'Nothing to change.\n<function=submit>\n';
    return prompts.map(() => ({ promptText: '', promptTokenIds: [], samples: [{ text, tokenIds: [1], logprobs: [0], finishReason: 'stop' }] }));
  },
  formatPrompt: (prompt) => JSON.stringify(prompt),
  dispose() {},
};

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

describe('swe/builtin as an agent benchmark', () => {
  const evaluate = async (options: Record<string, unknown>, bind?: (c: PluginRegistry['container']) => void) => {
    const registry = new PluginRegistry();
    const recorded = new RecordingEnvironment();
    for (const p of [builtinSweTaskPlugin, sweEnvironmentPlugin]) registry.register(p, '@srl/tasks');
    registry.register(
      definePlugin({ kind: 'environment', name: 'test/recording', optionsSchema: { type: 'object' }, defaults: {}, create: () => recorded }),
      'test',
    );
    bind?.(registry.container);
    const task = (await registry.create('task', ['swe/builtin', { tasks: ['py-slugify'], ...options }], {
      logger: quietLogger,
      baseDir: '.',
    })) as Task;
    const outDir = mkdtempSync(join(tmpdir(), 'srl-swe-eval-'));
    const { summary } = await task.evaluate!({ policy: submitter, split: 'test', temperature: 0, maxTokens: 64, outDir });
    return { summary, recorded };
  };

  it('runs the agents in the environment bound in its container (a test or a stage rebinds Environment)', async () => {
    const bound = new RecordingEnvironment();
    const { summary, recorded } = await evaluate({}, (c) => c.bind(Environment).toConstantValue(bound));
    expect(bound.calls).toEqual(['reset builtin__py-slugify', 'step submit', 'close', 'close']);
    expect(recorded.calls).toEqual([]);
    expect(summary.problems).toBe(1);
    expect(summary.resolveRate).toBe(0); // the empty patch fails the task's tests
  });

  it('creates the environment its options name, through the plugin registry, before a bound one', async () => {
    const bound = new RecordingEnvironment();
    const { recorded } = await evaluate({ environment: 'test/recording' }, (c) => c.bind(Environment).toConstantValue(bound));
    expect(recorded.calls).toEqual(['reset builtin__py-slugify', 'step submit', 'close', 'close']);
    expect(bound.calls).toEqual([]);
  });

  it('refuses an environment name that is not registered, with the option path', async () => {
    await expect(evaluate({ environment: 'no/such-env' })).rejects.toThrow(/environment "no\/such-env" at task\.options\.environment/);
  });
});
