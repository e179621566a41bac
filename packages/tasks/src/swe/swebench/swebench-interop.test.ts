import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../data/resolve-data-dir';
import { formatPredictions } from './format-predictions';
import { parseHarnessReport, readHarnessReport, resolveRate } from './read-harness-report';
import { submittedPatch } from './submitted-patch';

const reports = path.join(resolveDataDir(), 'swe/openhands_verified50/eval_reports.jsonl');

describe('SWE-bench interop', () => {
  it('reads OpenHands eval_reports.jsonl: resolved flags, unevaluated instances and test lists', async () => {
    const report = await readHarnessReport(reports);
    expect([report.resolvedIds.length, report.unresolvedIds.length, report.errorIds.length]).toEqual([26, 22, 2]);
    expect(report.resolvedIds[0]).toBe('astropy__astropy-12907');
    expect(report.tests['astropy__astropy-12907']!.FAIL_TO_PASS).toEqual({
      success: [
        'astropy/modeling/tests/test_separable.py::test_separable[compound_model6-result6]',
        'astropy/modeling/tests/test_separable.py::test_separable[compound_model9-result9]',
      ],
      failure: [],
    });
    expect(resolveRate(report)).toEqual({ resolved: 26, total: 50, rate: 0.52 });
    expect(resolveRate(report, 500).rate).toBe(0.052);
  });

  it('reads the harness run report and per-instance report.json', () => {
    const run = parseHarnessReport(
      JSON.stringify({
        total_instances: 500,
        submitted_instances: 3,
        resolved_ids: ['a__b-1', 'a__b-2'],
        unresolved_ids: ['a__b-3'],
        error_ids: [],
        empty_patch_ids: ['a__b-4'],
        schema_version: 2,
      }),
    );
    expect(resolveRate(run)).toEqual({ resolved: 2, total: 500, rate: 0.004 });
    expect(run.emptyPatchIds).toEqual(['a__b-4']);
    const one = parseHarnessReport(
      JSON.stringify({
        'a__b-1': { resolved: false, tests_status: { FAIL_TO_PASS: { success: [], failure: ['t1'] }, PASS_TO_PASS: { success: ['t2'], failure: [] } } },
      }),
    );
    expect(one.unresolvedIds).toEqual(['a__b-1']);
    expect(one.tests['a__b-1']!.FAIL_TO_PASS!.failure).toEqual(['t1']);
    expect(() => parseHarnessReport('{"instance_id": "x", "resolved": "yes"}\n', 'r.jsonl')).toThrow(
      /r\.jsonl:1: "resolved" must be true, false or null, found "yes"/,
    );
    expect(() => parseHarnessReport('[1]', 'r.json')).toThrow(/expected a SWE-bench report object, found an array/);
  });

  it('writes predictions as the harness JSONL and refuses repeated instances', () => {
    const text = formatPredictions(
      [
        { instanceId: 'a__b-1', patch: 'diff --git a/x b/x\n' },
        { instanceId: 'a__b-2', patch: null },
      ],
      'srl-tiny',
    );
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { instance_id: 'a__b-1', model_name_or_path: 'srl-tiny', model_patch: 'diff --git a/x b/x\n' },
      { instance_id: 'a__b-2', model_name_or_path: 'srl-tiny', model_patch: '' },
    ]);
    expect(() =>
      formatPredictions(
        [
          { instanceId: 'a', patch: '' },
          { instanceId: 'a', patch: '' },
        ],
        'm',
      ),
    ).toThrow(/appears twice/);
  });
});

describe('submittedPatch', () => {
  it("takes the diff from SWE-agent's submit observation, with LF line ends", async () => {
    const { loadTrajectories } = await import('../load-trajectories');
    const dir = path.join(resolveDataDir(), 'swe/sweagent');
    const [{ trajectory }] = (await loadTrajectories({ path: dir, format: 'sweagent', toolNames: {} })).trajectories;
    const patch = submittedPatch(trajectory!)!;
    expect(patch.startsWith('diff --git a/src/marshmallow/fields.py b/src/marshmallow/fields.py\nindex ad388c7..168a845 100644\n')).toBe(true);
    expect(patch).toContain('+        return int(round(value.total_seconds() / base_unit.total_seconds()))\n');
    expect(patch.includes('\r')).toBe(false);
    expect(formatPredictions([{ instanceId: trajectory!.instanceId, patch }], 'sweagent-demo')).toContain('"instance_id":"marshmallow-code__marshmallow-1867"');
    expect(submittedPatch({ ...trajectory!, steps: trajectory!.steps.slice(0, -1) })).toBeNull();
  });
});
