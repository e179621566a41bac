import type { InstanceRow } from '../data/instance-row';
import { exportColumns } from './export-columns';

export type JsonlFormat = 'trl' | 'openrlhf';

/**
 * One JSONL line per instance for TRL or OpenRLHF.
 * - TRL (conversational prompt-only dataset): `prompt` is the chat; every other column reaches
 *   GRPOTrainer's reward functions as a keyword argument, `reference` (the expert step) among them.
 * - OpenRLHF: `prompt` (chat, `--input_key prompt --apply_chat_template`), `label` (the expert
 *   step, `--label_key label`, sent to the remote reward as `labels`), `datasource`.
 */
export function engineJsonl(format: JsonlFormat, rows: InstanceRow[], o: { dataSource: string }): string {
  return rows
    .map((r) => {
      const cols = exportColumns(r);
      const line =
        format === 'trl'
          ? { prompt: r.messages, reference: r.reference, ...cols }
          : { prompt: r.messages, label: r.reference, datasource: o.dataSource, ...cols };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}
