import type { InstanceRow } from '../data/instance-row';

/**
 * The per-instance columns every export carries besides the prompt and the reference. `metadata`
 * is the JSON of the metadata srl's trainer hands its rewards (`instanceId` included), so a reward
 * called from another engine (`examples/verl/srl_reward.py`, the TRL example) sees the same fields.
 */
export interface ExportColumns {
  instance_id: string;
  example_id: string;
  kind: string;
  /** 1-based step index of a step-wise instance, else null. */
  step_index: number | null;
  step_count: number | null;
  metadata: string;
}

export function exportColumns(row: InstanceRow): ExportColumns {
  const { exampleId, kind, step, ...rest } = row.metadata as { exampleId: string; kind: string; step?: { index: number; count: number } } & Record<
    string,
    unknown
  >;
  return {
    instance_id: row.id,
    example_id: exampleId,
    kind,
    step_index: step?.index ?? null,
    step_count: step?.count ?? null,
    metadata: JSON.stringify({ ...rest, instanceId: row.id }),
  };
}
