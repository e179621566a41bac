import { join } from 'node:path';
import { definePlugin, SrlError, TASK_SPEC_VERSION, type Example, type Instance, type InstanceKind, type Task, type TaskEvaluateInput } from '@srl/core';
import { AGENT_SYSTEM_PROMPT } from '../agent/agent-system-prompt';
import { runAgent, type AgentOptions } from '../agent/run-agent';
import { writeTrajectories } from '../agent/write-trajectories';
import { sandboxLimitsSchema, type SandboxLimits } from '../sandbox/sandbox-limits';
import { loadBuiltinSweTasks } from './builtin-swe-tasks';

export interface BuiltinSweTaskOptions {
  /** Only these built-in tasks (default: all). */
  tasks: string[] | null;
  maxSteps: number;
  maxTotalTokens: number;
  observationChars: number;
  systemPrompt: string;
  unsafe: boolean;
  limits: Partial<SandboxLimits>;
}

/**
 * `swe/builtin`: the built-in bug-fix tasks as an agentic benchmark. `srl eval` runs one agent
 * episode per task (greedy unless the recipe's eval says otherwise) and reports the resolve rate;
 * RLVR instances are the issue, scored by `tests-pass`.
 */
export class BuiltinSweTaskSet implements Task {
  readonly specVersion = TASK_SPEC_VERSION;
  readonly name = 'swe/builtin';
  readonly evalMetric = { name: 'resolved', reward: 'tests-pass' };

  constructor(private readonly options: BuiltinSweTaskOptions) {}

  splits(): string[] {
    return ['test'];
  }

  private async tasks(limit?: number) {
    const all = await loadBuiltinSweTasks(this.options.tasks ?? undefined);
    return limit === undefined ? all : all.slice(0, limit);
  }

  async load(split: string, options: { limit?: number } = {}) {
    if (split !== 'test') throw new SrlError('validation', `swe/builtin has only the "test" split, not "${split}"`);
    const examples: Example[] = (await this.tasks(options.limit)).map((t) => ({ id: t.instanceId, problem: t.issue, metadata: { instanceId: t.instanceId, name: t.name } }));
    return { examples, skipped: [] };
  }

  instances(example: Example, kind: InstanceKind): Instance[] {
    if (kind !== 'rlvr') {
      throw new SrlError('validation', `swe/builtin gives "rlvr" instances (agent episodes scored by tests), not "${kind}"; train SRL or SFT on trajectories with a SWE trajectory task (e.g. swe/openhands)`);
    }
    const prompt = [
      { role: 'system' as const, content: this.options.systemPrompt },
      { role: 'user' as const, content: example.problem },
    ];
    return [{ id: `${example.id}#rlvr`, exampleId: example.id, kind, prompt, reference: '', metadata: example.metadata }];
  }

  async evaluate(input: TaskEvaluateInput) {
    const o = this.options;
    const agent: Partial<AgentOptions> = { maxSteps: o.maxSteps, maxTotalTokens: o.maxTotalTokens, maxTokensPerStep: input.maxTokens, observationChars: o.observationChars, temperature: input.temperature, systemPrompt: o.systemPrompt, unsafe: o.unsafe, limits: o.limits };
    const tasks = await this.tasks(input.limit);
    const results = [];
    const trajectories = [];
    for (const [i, task] of tasks.entries()) {
      if (input.signal?.aborted) break;
      const run = await runAgent({ policy: input.policy, task, options: agent, logger: input.logger });
      trajectories.push(run.trajectory);
      results.push({ id: task.instanceId, prompt: task.issue, gold: '', greedy: { completion: run.patch, reward: run.resolved ? 1 : 0, correct: run.resolved } });
      input.logger?.progress({ label: 'swe/builtin agents', current: i + 1, total: tasks.length, fields: { steps: run.trajectory.steps.length, stop: run.stopReason } });
    }
    await writeTrajectories(join(input.outDir, 'swe-builtin.trajectories.jsonl'), trajectories);
    const rate = results.length ? results.filter((r) => r.greedy.correct).length / results.length : 0;
    return { summary: { benchmark: this.name, split: input.split, problems: results.length, skipped: 0, greedyAccuracy: rate, resolveRate: rate }, results };
  }
}

export const builtinSweTaskPlugin = definePlugin<'task', BuiltinSweTaskOptions>({
  kind: 'task',
  name: 'swe/builtin',
  description: 'the built-in SWE bug-fix tasks (Python and Node, standard library only) as an agent benchmark: srl eval reports the resolve rate',
  optionsSchema: {
    type: 'object',
    properties: {
      tasks: { type: ['array', 'null'], items: { type: 'string' }, description: 'only these built-in tasks (null: all)' },
      maxSteps: { type: 'integer', minimum: 1, description: 'actions per episode' },
      maxTotalTokens: { type: 'integer', minimum: 1, description: 'tokens the policy may generate per episode' },
      observationChars: { type: 'integer', minimum: 100, description: 'longer observations are cut in the middle' },
      systemPrompt: { type: 'string' },
      unsafe: { type: 'boolean', description: 'run without bubblewrap (no isolation)' },
      limits: { ...sandboxLimitsSchema, description: 'per-command sandbox limits' },
    },
    additionalProperties: false,
  },
  defaults: { tasks: null, maxSteps: 30, maxTotalTokens: 32_000, observationChars: 10_000, systemPrompt: AGENT_SYSTEM_PROMPT, unsafe: false, limits: {} },
  create: (options) => new BuiltinSweTaskSet(options),
});
