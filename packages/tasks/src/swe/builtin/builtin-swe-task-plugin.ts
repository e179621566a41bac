import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Default,
  definePlugin,
  Environment,
  optionalService,
  PluginRefType,
  type PluginRef,
  renderAction,
  StringEnum,
  Type,
  type PluginOptions,
  SrlError,
  TASK_SPEC_VERSION,
  type Example,
  type Instance,
  type InstanceKind,
  type LoadOptions,
  type LoadResult,
  type Task,
  type TaskEvaluateInput,
} from '@srl/core';
import { DEFAULT_AGENT_OPTIONS, runAgent, type AgentOptions } from '../agent/run-agent';
import type { SweTask } from '../env/swe-environment';
import type { SweAction } from '../trajectory';
import { writeTrajectories } from '../agent/write-trajectories';
import { SWE_INSTANCE_SCHEMA_PROPERTIES, SweInstanceBuilder } from '../instances/swe-instance-builder';
import { formatPredictions } from '../swebench/format-predictions';
import { sandboxLimitsOption } from '../sandbox/sandbox-limits';
import { loadBuiltinSweTasks } from './builtin-swe-tasks';

/** swe/builtin's options, declared once. */
export const builtinSweTaskOptions = Type.Object(
  {
    /** Only these built-in tasks (null: all). */
    tasks: Default(
      Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' }, description: 'only these built-in tasks (null: all)' }),
      null,
    ),
    maxSteps: Default(Type.Integer({ minimum: 1, description: 'actions per episode' }), DEFAULT_AGENT_OPTIONS.maxSteps),
    maxTotalTokens: Default(Type.Integer({ minimum: 1, description: 'tokens the policy may generate per episode' }), DEFAULT_AGENT_OPTIONS.maxTotalTokens),
    /** The agent's context: `sft` (whole history with thoughts) or `srl` (the last `history` calls, as SRL instances). */
    context: Default(
      StringEnum(['srl', 'sft'] satisfies AgentOptions['context'][], {
        description: "the agent's context: sft (whole history with thoughts) or srl (last `history` calls)",
      }),
      DEFAULT_AGENT_OPTIONS.context,
    ),
    ...SWE_INSTANCE_SCHEMA_PROPERTIES,
    unsafe: Default(Type.Boolean({ description: 'run without bubblewrap (no isolation)' }), false),
    limits: sandboxLimitsOption,
    environment: Type.Optional(
      PluginRefType({
        description: "the agents' environment plugin (default: the stage's bound Environment, else swe/sandbox with this task's unsafe and limits)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type BuiltinSweTaskOptions = PluginOptions<typeof builtinSweTaskOptions>;

/** Makes the environment an evaluation's agents run in (one per evaluation, closed by the caller). */
export type SweEnvironmentFactory = () => Promise<Environment<SweTask, SweAction>>;

/**
 * `swe/builtin`: the built-in bug-fix tasks. As a benchmark, `srl eval` runs one agent episode per
 * task (greedy unless the recipe's eval says otherwise), writes the trajectories (canonical JSONL)
 * and the patches (SWE-bench predictions JSONL) and reports the resolve rate. As training
 * data, the hand-written expert trajectories give SRL and SFT step instances through the same
 * SweInstanceBuilder as the trajectory tasks (and the agent's prompts); RLVR instances are the
 * issue, scored by `tests-pass`. `train` and `test` hold the same tasks: a set this small is a
 * demonstration of the loop, not a held-out measurement.
 */
export class BuiltinSweTaskSet implements Task {
  readonly specVersion = TASK_SPEC_VERSION;
  readonly name = 'swe/builtin';
  readonly evalMetric = { name: 'resolved', reward: 'tests-pass' };
  private readonly builder: SweInstanceBuilder;

  constructor(
    private readonly options: BuiltinSweTaskOptions,
    private readonly environment: SweEnvironmentFactory,
  ) {
    this.builder = new SweInstanceBuilder({
      history: options.history,
      maxObservationChars: options.maxObservationChars,
      maxIssueChars: options.maxIssueChars,
      systemPrompt: options.systemPrompt,
    });
  }

  splits(): string[] {
    return ['train', 'test'];
  }

  private async tasks(limit?: number) {
    const all = await loadBuiltinSweTasks(this.options.tasks ?? undefined);
    return limit === undefined ? all : all.slice(0, limit);
  }

  async load(split: string, options: LoadOptions = {}): Promise<LoadResult> {
    if (!this.splits().includes(split)) throw new SrlError('validation', `swe/builtin has the splits "train" and "test" (the same tasks), not "${split}"`);
    const examples: Example[] = (await this.tasks(options.limit)).map((t) => ({
      id: t.instanceId,
      problem: t.issue,
      steps: t.trajectory.steps.map((s) => renderAction(s.action)),
      metadata: { instanceId: t.instanceId, name: t.name, repo: t.repo, trajectory: t.trajectory },
    }));
    return { examples, skipped: [] };
  }

  instances(example: Example, kind: InstanceKind): Instance[] {
    if (kind !== 'rlvr') return this.builder.build(example, kind);
    const prompt = this.builder.prompt({ issue: example.problem, steps: [], k: 0, kind: 'srl' });
    return [
      { id: `${example.id}#rlvr`, exampleId: example.id, kind, prompt, reference: '', metadata: { instanceId: example.id, name: example.metadata?.name } },
    ];
  }

  async evaluate(input: TaskEvaluateInput) {
    const { tasks: _t, environment: _e, ...o } = this.options;
    const agent: Partial<AgentOptions> = { ...o, maxTokensPerStep: input.maxTokens, temperature: input.temperature };
    const tasks = await this.tasks(input.limit);
    const results = [];
    const trajectories = [];
    const environment = await this.environment();
    try {
      for (const [i, task] of tasks.entries()) {
        if (input.signal?.aborted) break;
        const run = await runAgent({ policy: input.policy, task, environment, options: agent, logger: input.logger });
        trajectories.push(run.trajectory);
        results.push({
          id: task.instanceId,
          prompt: task.issue,
          gold: '',
          greedy: { completion: run.patch, reward: run.resolved ? 1 : 0, correct: run.resolved },
        });
        input.logger?.progress({
          label: 'swe/builtin agents',
          current: i + 1,
          total: tasks.length,
          fields: { steps: run.trajectory.steps.length, stop: run.stopReason },
        });
      }
    } finally {
      await environment.close();
    }
    await writeTrajectories(join(input.outDir, 'swe-builtin.trajectories.jsonl'), trajectories);
    // The patches as SWE-bench predictions, the JSONL the official harness reads.
    await writeFile(
      join(input.outDir, 'swe-builtin.predictions.jsonl'),
      formatPredictions(
        results.map((r) => ({ instanceId: r.id, patch: r.greedy.completion })),
        input.policy.name,
      ),
    );
    const rate = results.length ? results.filter((r) => r.greedy.correct).length / results.length : 0;
    return {
      summary: {
        benchmark: this.name,
        task: this.name,
        split: input.split,
        problems: results.length,
        skipped: 0,
        badRows: 0,
        badRowsFirst: [],
        tooLong: 0,
        greedyAccuracy: rate,
        resolveRate: rate,
      },
      results,
    };
  }
}

export const builtinSweTaskPlugin = definePlugin({
  kind: 'task',
  name: 'swe/builtin',
  description:
    'the built-in SWE bug-fix tasks (Python and Node, standard library only): an agent benchmark (srl eval reports the resolve rate) and SRL/SFT step instances from their expert trajectories',
  options: builtinSweTaskOptions,
  inject: { environment: optionalService(Environment) },
  references: (o) => (o.environment === undefined ? [] : [{ kind: 'environment', ref: o.environment, path: 'environment' }]),
  // The agents' environment: the one the options name, else the container's, else a swe/sandbox from unsafe/limits.
  create: (options, deps) => {
    const ref: PluginRef = options.environment ?? ['swe/sandbox', { unsafe: options.unsafe, limits: options.limits }];
    const injected = options.environment === undefined ? deps.environment : undefined;
    const environment = async () => (injected ?? (await deps.create('environment', ref, 'environment'))) as Environment<SweTask, SweAction>;
    return new BuiltinSweTaskSet(options, environment);
  },
});
