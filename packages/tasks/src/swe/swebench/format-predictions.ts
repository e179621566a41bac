// SWE-bench interop: the official harness (`python -m swebench.harness.run_evaluation
// --predictions_path preds.jsonl`) reads one JSON object per line with `instance_id`,
// `model_name_or_path` and `model_patch` (a unified diff; '' for no patch).
import { SrlError } from '@srl/core';

export interface Prediction {
  instanceId: string;
  /** The unified diff the agent submitted; '' or null for none. */
  patch: string | null;
}

/** The predictions as the SWE-bench harness's JSONL (one line each, newline-terminated). Throws SrlError 'validation' on a repeated or empty id. */
export function formatPredictions(predictions: readonly Prediction[], modelNameOrPath: string): string {
  const seen = new Set<string>();
  return predictions
    .map((p, i) => {
      if (typeof p.instanceId !== 'string' || p.instanceId === '')
        throw new SrlError('validation', `prediction ${i}: instanceId must be a non-empty string, got ${JSON.stringify(p.instanceId)}`);
      if (seen.has(p.instanceId))
        throw new SrlError('validation', `prediction ${i}: instance "${p.instanceId}" appears twice; the harness takes one patch per instance`);
      seen.add(p.instanceId);
      return `${JSON.stringify({ instance_id: p.instanceId, model_name_or_path: modelNameOrPath, model_patch: p.patch ?? '' })}\n`;
    })
    .join('');
}
