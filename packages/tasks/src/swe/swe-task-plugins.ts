import path from 'node:path';
import { Default, DEFAULT_TOOL_NAMES, definePlugin, PluginRefType, Type, type AnyPluginDefinition, type PluginOptions } from '@srl/core';
import { resolveDataDir } from '../data/resolve-data-dir';
import { SWE_INSTANCE_SCHEMA_PROPERTIES, SweInstanceBuilder } from './instances/swe-instance-builder';
import type { TrajectoryFormat } from './load-trajectories';
import { SweTrajectoryTask } from './swe-trajectory-task';

/** The options of every SWE trajectory task, declared once; `path` is required for a task without a shared sample. */
const sweTaskProperties = {
  /** A trajectory file or folder (relative to the recipe's folder); default: the shared data sample. */
  path: Type.Optional(Type.String({ minLength: 1, description: 'trajectory file or folder (JSON, JSONL, Parquet; .traj for SWE-agent)' })),
  /** The shared data folder, for the default path; default `$SRL_DATA_DIR`, else `shared/data` found above. */
  dataDir: Type.Optional(Type.String({ minLength: 1 })),
  /** A SWE-bench harness report (run report, report.json, or eval_reports.jsonl) giving `resolved` flags. */
  report: Type.Optional(Type.String({ minLength: 1, description: 'SWE-bench harness report giving resolved flags' })),
  /** Keep only trajectories the report marks resolved. */
  onlyResolved: Default(Type.Boolean(), false),
  /** Source → canonical tool names. */
  toolNames: Default(Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string', minLength: 1 } }), {
    ...DEFAULT_TOOL_NAMES,
  }),
  ...SWE_INSTANCE_SCHEMA_PROPERTIES,
  validationSize: Default(Type.Integer({ minimum: 0 }), 0),
  validationSeed: Default(Type.Integer(), 0),
  /** Reward plugin that scores the task's metric. */
  evalReward: Default(PluginRefType({ description: 'the reward that scores evaluation: a reward plugin reference' }), 'action-similarity'),
};
const sweTaskOptions = Type.Object(sweTaskProperties, { additionalProperties: false });
export type SweTaskOptions = PluginOptions<typeof sweTaskOptions>;

interface SweTaskSpec {
  name: string;
  format: TrajectoryFormat;
  description: string;
  /** The shared sample, relative to the data folder; without one, `path` is required. */
  sample?: string;
  /** The sample's harness report, used only with the default path. */
  sampleReport?: string;
}

const SPECS: SweTaskSpec[] = [
  {
    name: 'swe/openhands',
    format: 'openhands',
    description: 'OpenHands function-calling agent conversations (messages with tool_calls) as step-wise SWE instances',
    sample: 'swe/openhands_verified50/last_completion',
    sampleReport: 'swe/openhands_verified50/eval_reports.jsonl',
  },
  { name: 'swe/sweagent', format: 'sweagent', description: 'SWE-agent .traj trajectories as step-wise SWE instances', sample: 'swe/sweagent' },
  {
    name: 'swe/swesmith',
    format: 'swesmith',
    description: "SWE-smith (or SWE-Gym) XML-call chat trajectories, the SRL paper's SWE data, as step-wise SWE instances",
    sample: 'swe/swesmith',
  },
  {
    name: 'swe/trajectories',
    format: 'canonical',
    description: "srl's canonical trajectories (JSONL that the agent loop writes, e.g. srl eval's swe-builtin.trajectories.jsonl) as step-wise SWE instances",
  },
];

function sweTaskPlugin(spec: SweTaskSpec) {
  return definePlugin({
    kind: 'task',
    name: spec.name,
    description: spec.description,
    // Without a shared sample, the recipe must give the trajectories' path.
    options: spec.sample ? sweTaskOptions : { ...sweTaskOptions, required: ['path'] },
    references: (options) => [{ kind: 'reward', ref: options.evalReward, path: 'evalReward' }],
    create(options, deps) {
      const dataFile = (relative: string): string => path.join(resolveDataDir({ dataDir: options.dataDir, baseDir: deps.baseDir }), relative);
      return new SweTrajectoryTask({
        name: spec.name,
        format: spec.format,
        path: () => (options.path ? path.resolve(deps.baseDir, options.path) : dataFile(spec.sample!)),
        report: () =>
          options.report ? path.resolve(deps.baseDir, options.report) : !options.path && spec.sampleReport ? dataFile(spec.sampleReport) : undefined,
        toolNames: options.toolNames,
        onlyResolved: options.onlyResolved,
        validationSize: options.validationSize,
        validationSeed: options.validationSeed,
        builder: new SweInstanceBuilder({
          history: options.history,
          maxObservationChars: options.maxObservationChars,
          maxIssueChars: options.maxIssueChars,
          systemPrompt: options.systemPrompt,
        }),
        evalMetric: { name: 'action-similarity', reward: options.evalReward },
      });
    },
  });
}

/** The SWE trajectory task plugins: `swe/openhands`, `swe/sweagent`, `swe/swesmith`, `swe/trajectories` (srl's own form). */
export const sweTaskPlugins: AnyPluginDefinition[] = SPECS.map(sweTaskPlugin);
