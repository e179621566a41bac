// SRL §4.2: the step reward compares the model's step with the expert's. Whatever a task's decomposer and
// instance builder do, one property must hold: the expert's own step k, written in the expected output
// format (`<think>...</think>` then the step), scores exactly 1.0 under the step reward. A decomposer
// that keeps a line the output parser reads as a second step, or a target that differs from what the
// context teaches, breaks it. Math tasks check it in CI; SWE tasks run the same check on their actions.
import type { RewardModel } from '../contracts/reward-model';
import type { Example, Instance, InstanceKind, Task } from '../contracts/task';

export interface ExpertStepCheckInput {
  /** The task whose step-wise instances are checked. */
  task: Pick<Task, 'instances'>;
  /** Examples with expert steps (examples without steps are counted in `skipped`). */
  examples: readonly Example[];
  /** The step reward, e.g. `step-similarity` with its defaults. */
  reward: RewardModel;
  /** Instance kind (default 'srl'). */
  kind?: InstanceKind;
  /** Writes the completion of an expert step (default: `<think>\n{monologue}\n</think>\n{reference}`). */
  completion?: (instance: Instance) => string;
  /** Rows per reward call (default 512). */
  batchSize?: number;
  /** At most this many failures are listed (default 20); all are counted. */
  maxListed?: number;
}

export interface ExpertStepReport {
  /** Step instances scored. */
  checked: number;
  /** Examples without expert steps (no instances built). */
  skipped: number;
  /** Instances whose expert step did not score exactly 1. */
  failed: number;
  /** One line per listed failure: instance id, reward, components and the start of the step. */
  failures: string[];
}

/** The default expert completion: a short monologue in a think block, then the reference step verbatim. */
export function expertCompletion(instance: Instance): string {
  return `<think>\nThe next step of the expert solution is step ${instance.step?.index ?? '?'}.\n</think>\n${instance.reference}`;
}

/**
 * Scores every expert step of `examples` as a completion and reports each one that does not get exactly 1.0.
 * Use it from any test runner: `expect((await checkExpertStepsScoreOne({ task, examples, reward })).failures).toEqual([])`.
 */
export async function checkExpertStepsScoreOne(input: ExpertStepCheckInput): Promise<ExpertStepReport> {
  const kind = input.kind ?? 'srl';
  const write = input.completion ?? expertCompletion;
  const batchSize = input.batchSize ?? 512;
  const maxListed = input.maxListed ?? 20;
  const instances: Instance[] = [];
  let skipped = 0;
  for (const example of input.examples) {
    if (!example.steps || example.steps.length === 0) skipped++;
    else instances.push(...input.task.instances(example, kind));
  }
  const report: ExpertStepReport = { checked: instances.length, skipped, failed: 0, failures: [] };
  for (let start = 0; start < instances.length; start += batchSize) {
    const batch = instances.slice(start, start + batchSize);
    const results = await input.reward.score(
      batch.map((i) => ({ completion: write(i), reference: i.reference, metadata: { ...i.metadata, instanceId: i.id } })),
    );
    results.forEach((r, j) => {
      if (r.reward === 1) return;
      report.failed++;
      if (report.failures.length < maxListed) {
        report.failures.push(`${batch[j].id}: reward ${r.reward} ${JSON.stringify(r.components)} for step ${JSON.stringify(batch[j].reference.slice(0, 80))}`);
      }
    });
  }
  return report;
}
