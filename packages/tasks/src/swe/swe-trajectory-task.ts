import {
  renderAction,
  SrlError,
  TASK_SPEC_VERSION,
  type Example,
  type Instance,
  type InstanceKind,
  type LoadOptions,
  type LoadResult,
  type PluginRef,
  type SweTrajectory,
  type Task,
} from '@srl/core';
import { holdOut } from '../math/tasks/hold-out';
import type { SweInstanceBuilder } from './instances/swe-instance-builder';
import { loadTrajectories, type TrajectoryFormat } from './load-trajectories';
import { readHarnessReport } from './swebench/read-harness-report';

export interface SweTrajectoryTaskConfig {
  name: string;
  format: TrajectoryFormat;
  /** Resolved trajectory file or folder; found when a split is first loaded. */
  path: () => string;
  /** A SWE-bench harness report whose resolved flags fill `resolved`, if any. */
  report?: () => string | undefined;
  toolNames: Readonly<Record<string, string>>;
  onlyResolved: boolean;
  validationSize: number;
  validationSeed: number;
  builder: SweInstanceBuilder;
  evalMetric: { name: string; reward: PluginRef };
}

/**
 * Expert agent trajectories as a task: examples are trajectories (`problem` = the issue, `steps` =
 * the rendered actions, `metadata.trajectory` = the canonical form), instances are built per step.
 * Splits: `train`, and `validation` when `validationSize` > 0 (trajectories picked by a seeded hash
 * of their id and issue).
 */
export class SweTrajectoryTask implements Task {
  readonly specVersion = TASK_SPEC_VERSION;
  readonly name: string;
  readonly evalMetric: { name: string; reward: PluginRef };
  private readonly config: SweTrajectoryTaskConfig;

  constructor(config: SweTrajectoryTaskConfig) {
    this.config = config;
    this.name = config.name;
    this.evalMetric = config.evalMetric;
  }

  splits(): string[] {
    return this.config.validationSize > 0 ? ['train', 'validation'] : ['train'];
  }

  async load(split: string, options: LoadOptions = {}): Promise<LoadResult> {
    if (!this.splits().includes(split)) {
      throw new SrlError('validation', `task "${this.name}" has no split "${split}"; its splits are: ${this.splits().join(', ')}`);
    }
    const c = this.config;
    const loaded = await loadTrajectories({ path: c.path(), format: c.format, toolNames: c.toolNames, strict: options.strict });
    const skipped = [...loaded.skipped];
    const reportFile = c.report?.();
    const report = reportFile ? await readHarnessReport(reportFile) : undefined;
    const resolved = new Set(report?.resolvedIds);
    const unresolved = new Set([...(report?.unresolvedIds ?? []), ...(report?.errorIds ?? []), ...(report?.emptyPatchIds ?? [])]);
    const seen = new Map<string, number>();
    const rows: Example[] = [];
    for (const { trajectory, file, line } of loaded.trajectories) {
      const t: SweTrajectory = resolved.has(trajectory.instanceId)
        ? { ...trajectory, resolved: true }
        : unresolved.has(trajectory.instanceId)
          ? { ...trajectory, resolved: false }
          : trajectory;
      if (c.onlyResolved && t.resolved !== true) {
        skipped.push({ file, line, reason: `trajectory "${t.instanceId}" is not known to be resolved (onlyResolved)` });
        continue;
      }
      let steps: string[];
      try {
        steps = t.steps.map((s) => renderAction(s.action));
      } catch (error) {
        if (options.strict) throw new SrlError('data', `${file}:${line}: ${(error as Error).message}`);
        skipped.push({ file, line, reason: (error as Error).message });
        continue;
      }
      const n = (seen.get(t.instanceId) ?? 0) + 1;
      seen.set(t.instanceId, n);
      const id = n === 1 ? t.instanceId : `${t.instanceId}#${n}`;
      rows.push({
        id,
        problem: t.issue,
        steps,
        metadata: { trajectory: t, file, line, ...(t.repo ? { repo: t.repo } : {}), ...(t.resolved !== undefined ? { resolved: t.resolved } : {}) },
      });
    }
    const keyed = rows.map((example) => ({ example, problem: `${example.id}\u0000${example.problem}` }));
    const parts = c.validationSize > 0 ? holdOut(keyed, { size: c.validationSize, seed: c.validationSeed }) : { train: keyed, validation: [] };
    const examples = parts[split as 'train' | 'validation'].map((r) => r.example);
    return { examples: options.limit === undefined ? examples : examples.slice(0, options.limit), skipped };
  }

  instances(example: Example, kind: InstanceKind): Instance[] {
    return this.config.builder.build(example, kind);
  }
}
