import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckedReward, SrlError, utf8Lines, withCleanup, type Logger, type RewardInput, type RewardModel, type RewardResult } from '@srl/core';
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
    throw new SrlError(
      'validation',
      `${where}: not valid JSON (${(cause as Error).message}); each line must be an object like {"completion": "...", "reference": "..."}`,
    );
  }
  return rewardRowFrom(row, where);
}

/** Reads `--input` (a file, or `-` for standard input) as bytes. */
async function readInput(input: string): Promise<Uint8Array> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path.resolve(input));
  } catch (cause) {
    throw new SrlError('usage', `cannot read --input ${input}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Scores every row before printing anything. When a batch fails, its rows are scored one by one to
 * find the first row that fails, reported with its file:line.
 */
async function scoreAll(model: RewardModel, rows: { input: RewardInput; where: string }[]): Promise<RewardResult[]> {
  const results: RewardResult[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    try {
      results.push(...(await model.score(batch.map((r) => r.input))));
    } catch (batchError) {
      for (const row of batch) {
        try {
          await model.score([row.input]);
        } catch (error) {
          throw new SrlError('runtime', `${row.where}: ${(error as Error).message}`, { cause: error });
        }
      }
      throw batchError; // fails only in a batch (e.g. a size limit): no single row to blame
    }
  }
  return results;
}

/** `srl reward <name> --input rows.jsonl|- [--options JSON]`: one JSON line per row. */
export async function rewardCommand(
  name: string,
  opts: { input: string; options?: string; plugin?: string[] },
  logger: Logger,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const options = parseOptionsFlag(opts.options);
  const env = await createPluginEnvironment();
  if (opts.plugin?.length) await env.loadPlugins(opts.plugin, process.cwd());
  const plugin = await env.registry.create('reward', [name, options], { logger, baseDir: process.cwd() }, 'reward');
  const model = new CheckedReward(plugin, { at: 'srl reward' });
  return withCleanup(logger, async () => {
    // Validate the whole input before printing anything, so a bad row costs no partial output.
    const label = opts.input === '-' ? '<stdin>' : opts.input;
    const rows: { input: RewardInput; where: string }[] = [];
    for (const { line, text, problem } of utf8Lines(await readInput(opts.input))) {
      if (text === null) throw new SrlError('validation', `${label}:${line}: ${problem}`);
      if (text.trim() === '') continue;
      rows.push({ input: parseRewardRow(text, `${label}:${line}`), where: `${label}:${line}` });
    }
    const results = await scoreAll(model, rows);
    // JSON.stringify prints the shortest decimal that round-trips each double exactly.
    out.write(results.map((r) => `${JSON.stringify({ reward: r.reward, components: r.components })}\n`).join(''));
    return 0;
  }, [() => model.dispose()]);
}
