import type { ChatMessage, TrainingInstance } from '@srl/core';

/** One instance as `srl data instances` prints it and `srl export` writes it. */
export interface InstanceRow {
  id: string;
  messages: ChatMessage[];
  /** What the trainer imitates (SFT) or rewards against (SRL: the expert step; RLVR: the answer). */
  reference: string;
  /** `exampleId`, `kind`, `step` ({index, count}, step-wise instances only), then the task's own metadata. */
  metadata: Record<string, unknown>;
}

/** The row of a training instance. A plain-text prompt becomes one user message. */
export function instanceRow(t: TrainingInstance): InstanceRow {
  const { instance } = t;
  const messages: ChatMessage[] =
    typeof instance.prompt === 'string' ? [{ role: 'user', content: instance.prompt }] : instance.prompt.map((m) => ({ role: m.role, content: m.content }));
  return {
    id: instance.id,
    messages,
    reference: t.target,
    metadata: { exampleId: instance.exampleId, kind: instance.kind, ...(instance.step ? { step: instance.step } : {}), ...instance.metadata },
  };
}
