// SRL App. B.3: rewrite raw expert solutions into the numbered template with any OpenAI-compatible model; rewrites
// that fail the format check are dropped (and counted, with their reasons).
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { isSrlError, SrlError, type Logger, type PluginRef, type Policy } from '@srl/core';
import { checkRewrite, rewritePrompt } from '@srl/tasks';
import { createPluginEnvironment } from '../plugin-environment';
import { withStopSignals } from '../stop-signals';

export interface DataRewriteOptions {
  policy: string;
  out: string;
  idField: string;
  problemField: string;
  solutionField: string;
  concurrency: number;
  maxTokens: number;
  temperature: number;
  limit?: number;
}

interface Row {
  id: string;
  row: Record<string, unknown>;
}

/** `--policy`: a plugin name or a JSON `[name, options]` reference. */
export function parsePolicyRef(text: string): PluginRef {
  if (!text.trim().startsWith('[')) return text;
  try {
    const ref = JSON.parse(text) as unknown;
    if (Array.isArray(ref) && typeof ref[0] === 'string' && (ref.length === 1 || (ref.length === 2 && typeof ref[1] === 'object' && ref[1] !== null)))
      return ref as PluginRef;
  } catch {
    // reported below
  }
  throw new SrlError(
    'usage',
    `--policy must be a plugin name or JSON ["name", {options}], e.g. '["openai-compatible", {"baseURL": "http://127.0.0.1:8000/v1", "model": "m"}]'; found ${text}`,
  );
}

/** Ids already written to `file`; a torn last line (an interrupted write) is cut off so appends stay whole lines. */
function doneIds(file: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    try {
      ids.add(String((JSON.parse(line) as { id: unknown }).id));
    } catch {
      throw new SrlError('data', `${file}: a line is not JSON (${line.slice(0, 60)}); this file is srl's append-only output, fix or remove it`);
    }
  }
  return ids;
}

function readRows(file: string, o: DataRewriteOptions): Row[] {
  if (!existsSync(file)) throw new SrlError('usage', `cannot read ${file}: no such file`);
  const rows: Row[] = [];
  const seen = new Set<string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new SrlError('validation', `${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row))
        throw new SrlError('validation', `${file}:${i + 1}: expected a JSON object, found ${line.slice(0, 40)}`);
      const r = row as Record<string, unknown>;
      if (typeof r[o.solutionField] !== 'string')
        throw new SrlError(
          'validation',
          `${file}:${i + 1}: "${o.solutionField}" must be a string (the expert solution), found ${JSON.stringify(r[o.solutionField]) ?? 'nothing'}; set --solution-field`,
        );
      const id = r[o.idField] === undefined ? `line-${i + 1}` : String(r[o.idField]);
      if (seen.has(id)) throw new SrlError('validation', `${file}:${i + 1}: id ${JSON.stringify(id)} appears twice; resuming needs unique ids (--id-field)`);
      seen.add(id);
      rows.push({ id, row: r });
    });
  return rows;
}

/**
 * `srl data rewrite <input.jsonl> --policy <ref> --out <file>`: kept rows go to `--out` (the row with its solution
 * rewritten and the original under `original_<field>`), dropped ones with their reason to `<out>.rejected.jsonl`.
 * Both are append-only and keyed by row id: a rerun skips the rows already in either and continues. Rows whose
 * request failed are written nowhere, so a rerun retries them.
 */
export async function dataRewriteCommand(input: string, o: DataRewriteOptions, logger: Logger, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const ref = parsePolicyRef(o.policy);
  const outFile = path.resolve(o.out);
  const rejectedFile = outFile.replace(/(\.jsonl)?$/, '.rejected.jsonl');
  const rows = readRows(path.resolve(input), o).slice(0, o.limit);
  const done = new Set([...doneIds(outFile), ...doneIds(rejectedFile)]);
  const todo = rows.filter((r) => !done.has(r.id));
  if (done.size)
    logger.log('info', `resuming: ${rows.length - todo.length} of ${rows.length} rows already in ${path.basename(outFile)} or ${path.basename(rejectedFile)}`);
  const env = await createPluginEnvironment();
  const policy: Policy = await env.registry.create('policy', ref, { logger, baseDir: process.cwd() }, '--policy');
  const counts = { kept: 0, dropped: 0, failed: 0, skipped: rows.length - todo.length };
  const reasons: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  const report = (): void =>
    logger.progress({
      label: 'rewrite',
      current: counts.kept + counts.dropped + counts.failed,
      total: todo.length,
      fields: { kept: counts.kept, dropped: counts.dropped, failed: counts.failed },
    });
  try {
    await withStopSignals(logger, async (signal) => {
      const worker = async (): Promise<void> => {
        while (next < todo.length && !signal.aborted) {
          const { id, row } = todo[next++];
          const original = row[o.solutionField] as string;
          const problem = typeof row[o.problemField] === 'string' ? (row[o.problemField] as string) : undefined;
          try {
            const [g] = await policy.generate([rewritePrompt({ ...(problem ? { problem } : {}), solution: original })], {
              n: 1,
              maxTokens: o.maxTokens,
              temperature: o.temperature,
            });
            const sample = g.samples[0];
            const check = checkRewrite({ reply: sample.text, original, finishReason: sample.finishReason });
            if (check.ok) {
              appendFileSync(
                outFile,
                `${JSON.stringify({ ...row, id: row[o.idField] ?? id, [o.solutionField]: check.solution, [`original_${o.solutionField}`]: original, rewrite_steps: check.steps })}\n`,
              );
              counts.kept++;
            } else {
              appendFileSync(rejectedFile, `${JSON.stringify({ id: row[o.idField] ?? id, reason: check.reason, detail: check.detail, reply: sample.text })}\n`);
              counts.dropped++;
              reasons[check.reason] = (reasons[check.reason] ?? 0) + 1;
            }
          } catch (error) {
            if (!isSrlError(error)) throw error;
            counts.failed++;
            if (failures.length < 3) failures.push(`${id}: ${error.message}`);
          }
          report();
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.concurrency, todo.length) }, worker));
    });
  } finally {
    await policy.dispose();
  }
  const summary = { ...counts, reasons, out: outFile, rejected: rejectedFile };
  out.write(`${JSON.stringify(summary)}\n`);
  logger.log(
    'info',
    `rewrite: kept ${counts.kept}, dropped ${counts.dropped}${
      Object.keys(reasons).length
        ? ` (${Object.entries(reasons)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : ''
    }, skipped ${counts.skipped} already done, failed ${counts.failed}`,
  );
  const left = todo.length - counts.kept - counts.dropped;
  if (left > 0) {
    for (const f of failures) logger.log('error', f);
    logger.log('warn', `${left} rows are not done (request errors or an interruption); run the same command again to continue`);
    return counts.failed > 0 ? 1 : 130;
  }
  return 0;
}
