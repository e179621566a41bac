import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { InstanceRow } from '../data/instance-row';
import { exportColumns } from './export-columns';

type SchemaElement = Parameters<typeof parquetWrite>[0]['schema'] extends (infer E)[] | undefined ? E : never;

const utf8 = (name: string, repetition_type: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED'): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type,
});
const int = (name: string, type: 'INT32' | 'INT64', repetition_type: 'REQUIRED' | 'OPTIONAL'): SchemaElement => ({ name, type, repetition_type });

/**
 * verl's RL dataset layout (its `examples/data_preprocess` scripts): `prompt` is a list of chat
 * messages, `reward_model.ground_truth` reaches `compute_score(data_source, solution_str,
 * ground_truth, extra_info)`, `extra_info` is passed as the last argument.
 */
const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 5 },
  utf8('data_source'),
  // 3-level LIST of struct<role, content>, the layout pyarrow writes for list<struct>.
  { name: 'prompt', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  utf8('role'),
  utf8('content'),
  utf8('ability'),
  { name: 'reward_model', repetition_type: 'REQUIRED', num_children: 2 },
  utf8('style'),
  utf8('ground_truth'),
  { name: 'extra_info', repetition_type: 'REQUIRED', num_children: 8 },
  int('index', 'INT64', 'REQUIRED'),
  utf8('split'),
  utf8('instance_id'),
  utf8('example_id'),
  utf8('kind'),
  int('step_index', 'INT32', 'OPTIONAL'),
  int('step_count', 'INT32', 'OPTIONAL'),
  utf8('metadata'),
];

/** The Parquet bytes of a verl dataset (Snappy-compressed, one row per instance). */
export function verlParquet(rows: InstanceRow[], o: { dataSource: string; ability: string; split: string }): Uint8Array {
  const extra = rows.map((r, index) => ({ index: BigInt(index), split: o.split, ...exportColumns(r) }));
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: SCHEMA,
    columnData: [
      { name: 'data_source', data: rows.map(() => o.dataSource) },
      { name: 'prompt', data: rows.map((r) => r.messages.map((m) => ({ role: m.role, content: m.content }))) },
      { name: 'ability', data: rows.map(() => o.ability) },
      { name: 'reward_model', data: rows.map((r) => ({ style: 'rule', ground_truth: r.reference })) },
      { name: 'extra_info', data: extra },
    ],
  });
  return new Uint8Array(writer.getBuffer());
}
