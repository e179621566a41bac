import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProblemResult } from '@srl/core';
import { sequenceRatio } from '@srl/rewards';
import { diffHtml, escapeHtml } from '../report/diff-html';
import { actionOf } from '../report/write-report';
import { expertSolutions } from './expert-solutions';
import type { EvalPoint, Experiment } from './read-experiment';
import { finalEval } from './results-table';

function readResults(point: EvalPoint, benchmark: string): ProblemResult[] {
  const file = path.join(point.dir, `${benchmark}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ProblemResult];
      } catch {
        return []; // a line cut mid-write
      }
    });
}

/** The user's turn of a formatted prompt (the problem), when the chat template makes it findable. */
const problemOf = (prompt: string): string => /<\|im_start\|>user\n([\s\S]*?)<\|im_end\|>/.exec(prompt)?.[1] ?? prompt;

/**
 * A few problems of one held-out benchmark (the same ids for every arm: the first ones the base was
 * evaluated on), with each arm's greedy solution at its final evaluation (first seed that has one), whether
 * its answer was correct, and a character diff against the expert solution (difflib's matching blocks plain).
 */
export async function sampleRolloutsSection(exp: Experiment, benchmark: string | undefined, perArm = 3): Promise<string> {
  const head = '<h2>Sample rollouts</h2>';
  if (!benchmark) return `${head}<p>No evaluation yet.</p>`;
  const sources: { label: string; seed: number | null; point: EvalPoint }[] = [
    ...(exp.base ? [{ label: 'base model', seed: null, point: exp.base }] : []),
    ...exp.arms.flatMap((arm) => {
      // The final evaluation of the first seed that has one; while none has, the latest evaluation.
      const seed = arm.seeds.find((s) => finalEval(s)) ?? arm.seeds.find((s) => s.evals.length);
      return seed ? [{ label: arm.label, seed: seed.seed, point: finalEval(seed) ?? seed.evals[seed.evals.length - 1] }] : [];
    }),
  ];
  const results = sources.map((s) => ({ ...s, rows: new Map(readResults(s.point, benchmark).map((r) => [r.id, r])) }));
  const ids = [...(results.find((r) => r.rows.size)?.rows.keys() ?? [])].slice(0, perArm);
  if (!ids.length) return `${head}<p>No per-problem results of ${escapeHtml(benchmark)} yet.</p>`;
  const split = sources.flatMap((s) => s.point.summaries).find((s) => s.benchmark === benchmark)?.split ?? 'test';
  const expert = await expertSolutions(exp, benchmark, split, ids);
  const solutions = 'solutions' in expert ? expert.solutions : new Map<string, string>();
  const sections = ids.map((id) => {
    const any = results.map((r) => r.rows.get(id)).find((r) => r !== undefined)!;
    const reference = solutions.get(id);
    const rows = results
      .map(({ label, seed, point, rows: byId }) => {
        const r = byId.get(id);
        if (!r?.greedy) return `<tr><td>${escapeHtml(label)}</td><td colspan="4">not evaluated on this problem</td></tr>`;
        const completion = actionOf(r.greedy.completion);
        // The expert text starts with SOLUTION: in the paper's template; a model that leaves the header out is not charged for it.
        const expertText = reference === undefined ? undefined : completion.startsWith('SOLUTION:') ? reference : reference.replace(/^SOLUTION:\s*\n/, '');
        const d = expertText === undefined ? null : diffHtml(completion, expertText);
        const verdict = r.greedy.correct ? '<span class="ok">correct</span>' : '<span class="bad">wrong</span>';
        const where = seed === null ? '' : ` <small>seed ${seed}, at ${point.spent}${point.final === false ? ' (not final)' : ''}</small>`;
        return `<tr><td>${escapeHtml(label)}${where}</td><td>${verdict}</td><td>${expertText === undefined ? '–' : sequenceRatio(completion, expertText).toFixed(3)}</td><td>${completion ? `<pre>${d ? d.model : escapeHtml(completion)}</pre>` : '<i>(empty)</i>'}</td><td><pre>${d ? d.expert : '–'}</pre></td></tr>`;
      })
      .join('\n');
    return `<h3>${escapeHtml(id)} <small>gold answer ${escapeHtml(any.gold)}</small></h3>
<pre class="problem">${escapeHtml(problemOf(any.prompt))}</pre>
<table class="rollouts"><tr><th>arm</th><th>answer</th><th>similarity</th><th>greedy solution (red: not in the expert's)</th><th>expert solution (green: not in the model's)</th></tr>
${rows}
</table>`;
  });
  return `${head}
<p>Problems of <b>${escapeHtml(benchmark)}</b> (${escapeHtml(split)} split), each arm's greedy solution at its final evaluation. Similarity is difflib's ratio 2M/T between the solution (after any &lt;/think&gt;) and the expert's; highlighted characters lie outside difflib's matching blocks.${'missing' in expert ? ` Expert solutions unavailable: ${escapeHtml(expert.missing)}.` : ''}</p>
${sections.join('\n')}`;
}
