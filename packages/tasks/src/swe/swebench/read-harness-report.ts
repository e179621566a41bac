// SWE-bench interop: reads what the harness writes back. Three shapes are accepted:
// 1. the run report `<model>.<run_id>.json`: `{total_instances, resolved_ids, unresolved_ids,
//    error_ids, empty_patch_ids, submitted_ids, ...}`;
// 2. per-instance `report.json` files: `{"<instance_id>": {resolved, tests_status, ...}}`;
// 3. JSONL of `{instance_id, resolved, report}` (OpenHands' `eval_reports.jsonl`), where
//    `resolved: null` marks an instance the harness could not evaluate.
import { readFile } from 'node:fs/promises';
import { SrlError } from '@srl/core';

export interface TestResults {
  success: string[];
  failure: string[];
}

export interface HarnessReport {
  resolvedIds: string[];
  unresolvedIds: string[];
  /** Instances the harness could not evaluate (errors, missing reports). */
  errorIds: string[];
  emptyPatchIds: string[];
  /** Instances in the benchmark run, when the report says (`total_instances`). */
  totalInstances?: number;
  /** Per-instance FAIL_TO_PASS / PASS_TO_PASS outcomes, where the report has them. */
  tests: Record<string, { FAIL_TO_PASS?: TestResults; PASS_TO_PASS?: TestResults }>;
}

/** Reads a harness report file (any of the three shapes). Throws SrlError 'data' naming the file and what was found. */
export async function readHarnessReport(file: string): Promise<HarnessReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new SrlError('data', `cannot read SWE-bench report "${file}": ${(cause as Error).message}`, { cause });
  }
  return parseHarnessReport(text, file);
}

/** Parses a harness report's text; `file` names it in errors. */
export function parseHarnessReport(text: string, file = 'report'): HarnessReport {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return fromRecords(text, file);
  }
  if (isObject(whole) && typeof whole.instance_id === 'string') return fromRecords(text, file); // one-line JSONL
  if (!isObject(whole)) throw new SrlError('data', `${file}: expected a SWE-bench report object, found ${Array.isArray(whole) ? 'an array' : typeof whole}`);
  if (Array.isArray(whole.resolved_ids)) {
    const ids = (key: string): string[] => (Array.isArray(whole[key]) ? (whole[key] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
    return {
      resolvedIds: ids('resolved_ids'),
      unresolvedIds: ids('unresolved_ids'),
      errorIds: [...ids('error_ids'), ...ids('incomplete_ids')],
      emptyPatchIds: ids('empty_patch_ids'),
      ...(typeof whole.total_instances === 'number' ? { totalInstances: whole.total_instances } : {}),
      tests: {},
    };
  }
  const report = emptyReport();
  for (const [id, entry] of Object.entries(whole)) addInstance(report, id, isObject(entry) ? entry.resolved : undefined, entry, `${file}: "${id}"`);
  return report;
}

/**
 * The resolve rate: resolved / `total` (the benchmark's size, e.g. 500 for SWE-bench Verified),
 * else the report's `total_instances`, else the instances the report names. Unevaluated and
 * unsubmitted instances count as unresolved, as the harness counts them.
 */
export function resolveRate(report: HarnessReport, total?: number): { resolved: number; total: number; rate: number } {
  const named = report.resolvedIds.length + report.unresolvedIds.length + report.errorIds.length + report.emptyPatchIds.length;
  const n = total ?? report.totalInstances ?? named;
  if (!(n > 0)) throw new SrlError('validation', `cannot compute a resolve rate over ${n} instances; pass the benchmark size`);
  return { resolved: report.resolvedIds.length, total: n, rate: report.resolvedIds.length / n };
}

function fromRecords(text: string, file: string): HarnessReport {
  const report = emptyReport();
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (cause) {
      throw new SrlError(
        'data',
        `${file}:${i + 1}: not JSON (${(cause as Error).message}); expected a report object or JSONL of {instance_id, resolved, report}`,
      );
    }
    if (!isObject(row) || typeof row.instance_id !== 'string')
      throw new SrlError('data', `${file}:${i + 1}: expected {instance_id, resolved, report}, found ${raw.slice(0, 80)}`);
    addInstance(report, row.instance_id, row.resolved ?? (isObject(row.report) ? row.report.resolved : undefined), row.report, `${file}:${i + 1}`);
  });
  return report;
}

function addInstance(report: HarnessReport, id: string, resolved: unknown, detail: unknown, at: string): void {
  if (resolved === true) report.resolvedIds.push(id);
  else if (resolved === false) report.unresolvedIds.push(id);
  else if (resolved === null || resolved === undefined) report.errorIds.push(id);
  else throw new SrlError('data', `${at}: "resolved" must be true, false or null, found ${JSON.stringify(resolved)}`);
  if (isObject(detail) && isObject(detail.tests_status)) {
    const status = detail.tests_status;
    const pick = (key: string): TestResults | undefined => {
      const v = status[key];
      return isObject(v) && Array.isArray(v.success) && Array.isArray(v.failure)
        ? { success: v.success as string[], failure: v.failure as string[] }
        : undefined;
    };
    const f2p = pick('FAIL_TO_PASS');
    const p2p = pick('PASS_TO_PASS');
    report.tests[id] = { ...(f2p ? { FAIL_TO_PASS: f2p } : {}), ...(p2p ? { PASS_TO_PASS: p2p } : {}) };
  }
}

function emptyReport(): HarnessReport {
  return { resolvedIds: [], unresolvedIds: [], errorIds: [], emptyPatchIds: [], tests: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
