import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SrlError, type Logger, type RewardInput, type RewardModel } from '@srl/core';
import { rewardRowFrom } from '../data/reward-row';
import { parseOptionsFlag } from '../parse-options-flag';
import { createPluginEnvironment } from '../plugin-environment';

const BATCH = 256;

/** Parses one `{"completion": ..., "reference": ...}` line; other fields become metadata. */
export function parseRewardRow(line: string, where: string): RewardInput {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (cause) {
    throw new SrlError('validation', `${where}: not valid JSON (${(cause as Error).message}); each line must be an object like {"completion": "...", "reference": "..."}`);
  }
  return rewardRowFrom(row, where);
}

async function flush(model: RewardModel, batch: RewardInput[], out: NodeJS.WritableStream): Promise<void> {
  const results = await model.score(batch);
  if (results.length !== batch.length) throw new SrlError('runtime', `reward "${model.name}" returned ${results.length} results for ${batch.length} rows`);
  // JSON.stringify prints the shortest decimal that round-trips each double exactly.
  for (const r of results) out.write(`${JSON.stringify({ reward: r.reward, components: r.components })}\n`);
}

/** `srl reward <name> --input rows.jsonl [--options JSON]`: one JSON line per row. */
export async function rewardCommand(
  name: string,
  opts: { input: string; options?: string; plugin?: string[] },
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const options = parseOptionsFlag(opts.options);
  const env = await createPluginEnvironment();
  if (opts.plugin?.length) await env.loadPlugins(opts.plugin, process.cwd());
  const model = await env.registry.create('reward', [name, options], { logger, baseDir: process.cwd() }, 'reward');
  // Validate the whole file before printing anything, so a bad row costs no partial output.
  const rows: RewardInput[] = [];
  const file = path.resolve(opts.input);
  const stream = createReadStream(file, 'utf8');
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new SrlError('usage', `cannot read --input ${opts.input}: ${e.message}`)));
  });
  await opened;
  let lineNo = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    rows.push(parseRewardRow(line, `${opts.input}:${lineNo}`));
  }
  for (let i = 0; i < rows.length; i += BATCH) await flush(model, rows.slice(i, i + BATCH), out);
  await model.dispose?.();
  return 0;
}
