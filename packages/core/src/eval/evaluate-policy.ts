import type { Logger } from '../contracts/logger';
import { isTokenizedPrompt, isTrainablePolicy, type Policy, type PolicyPrompt } from '../contracts/policy';
import type { RewardModel } from '../contracts/reward-model';
import type { Instance, Task } from '../contracts/task';
import { SrlError } from '../errors';
import { CheckedReward } from '../rewards-math/checked-reward';
import { passAtK, reportedKs } from './pass-at-k';

export interface EvaluateOptions {
  policy: Policy;
  task: Task;
  /** The benchmark's name in the summary (default: the task's name). */
  name?: string;
  /** The task's metric reward (math-answer for math): 1 means correct. */
  reward: RewardModel;
  split: string;
  limit?: number;
  /** Greedy accuracy (temperature 0, one sample). */
  greedy: boolean;
  /** k samples per problem at `temperature` for avg@k and pass@k; 0 for none. */
  samples: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  batchSize: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface ProblemResult {
  id: string;
  prompt: string;
  gold: string;
  greedy?: { completion: string; reward: number | null; correct: boolean };
  samples?: { rewards: (number | null)[]; correct: number; completions: string[] };
}

export interface EvalSummary {
  /** The benchmark's unique, path-safe name (its result file is `<benchmark>.jsonl`). */
  benchmark: string;
  /** The task evaluated (its plugin or own name). */
  task: string;
  split: string;
  problems: number;
  /** Problems whose gold answer the reward cannot use (reward null): left out of every mean. */
  skipped: number;
  /** Data rows the task's loader skipped as malformed (never evaluated). */
  badRows: number;
  /** file:line and reason of the first few malformed rows. */
  badRowsFirst: string[];
  /** Problems skipped because their prompt does not fit the model's context. */
  tooLong: number;
  greedyAccuracy?: number;
  /** Mean accuracy over k samples (the paper's avg@32). */
  avgAtK?: number;
  k?: number;
  passAtK?: Record<string, number>;
  /** Agentic benchmarks (SWE): the fraction of episodes whose patch passed the task's tests. */
  resolveRate?: number;
}

const correct = (r: number | null): boolean => r !== null && r >= 1 - 1e-9;

/** Generates and scores in batches; works with any Policy (in-process or remote). */
export async function evaluatePolicy(options: EvaluateOptions): Promise<{ summary: EvalSummary; results: ProblemResult[] }> {
  const { policy, task, logger } = options;
  const reward = options.reward instanceof CheckedReward ? options.reward : new CheckedReward(options.reward, { at: `${task.name}.evalMetric` });
  const { examples, skipped } = await task.load(options.split, { limit: options.limit });
  const bad = { badRows: skipped.length, badRowsFirst: skipped.slice(0, 3).map((r) => `${r.file}:${r.line} ${r.reason}`) };
  if (bad.badRows)
    logger?.log('warn', `${options.name ?? task.name}/${options.split}: skipped ${bad.badRows} malformed rows (first: ${bad.badRowsFirst.join('; ')})`);
  const all: Instance[] = examples.map((e) => task.instances(e, 'rlvr')[0]).filter((i): i is Instance => i !== undefined);
  // A policy with a tokenizer here gets each prompt formatted and tokenized once; a remote one gets the chat.
  const prepared = all.map((instance) => ({ instance, prompt: policyPrompt(policy, instance) }));
  // A prompt that leaves no room to answer is skipped and counted (as training does), not fatal for the whole benchmark.
  const fits = ({ prompt }: (typeof prepared)[number]): boolean =>
    policy.contextLength === undefined || !isTokenizedPrompt(prompt) || prompt.tokenIds.length < policy.contextLength;
  const kept = prepared.filter(fits);
  const instances = kept.map((k) => k.instance);
  const tooLong = all.length - instances.length;
  if (tooLong)
    logger?.log(
      'warn',
      `${options.name ?? task.name}/${options.split}: skipped ${tooLong} problems whose prompt does not fit the model's ${policy.contextLength} positions`,
    );
  if (!instances.length) {
    throw new SrlError(
      'data',
      `${options.name ?? task.name}/${options.split}: no problems to evaluate (${examples.length} examples loaded, ${bad.badRows} malformed rows skipped, ${tooLong} prompts too long${bad.badRows ? `; first: ${bad.badRowsFirst[0]}` : ''}); check the benchmark's file and split`,
    );
  }
  const results: ProblemResult[] = [];
  const label = `eval ${task.name}`;
  for (let start = 0; start < instances.length; start += options.batchSize) {
    if (options.signal?.aborted) break;
    const batch = instances.slice(start, start + options.batchSize);
    const prompts = kept.slice(start, start + options.batchSize).map((k) => k.prompt);
    const rows: ProblemResult[] = batch.map((i, n) => {
      const prompt = prompts[n];
      return { id: i.exampleId, prompt: isTokenizedPrompt(prompt) ? prompt.text : policy.formatPrompt(prompt), gold: i.reference };
    });
    const score = async (completions: string[][]): Promise<(number | null)[][]> => {
      const flat = batch.flatMap((inst, i) => completions[i].map((completion) => ({ completion, reference: inst.reference, metadata: inst.metadata })));
      const scored = await reward.score(flat);
      let at = 0;
      return completions.map((c) => c.map(() => scored[at++].reward));
    };
    if (options.greedy) {
      const gens = await policy.generate(prompts, { n: 1, temperature: 0, maxTokens: options.maxTokens });
      const texts = gens.map((g) => [g.samples[0].text]);
      const rewards = await score(texts);
      rows.forEach((row, i) => (row.greedy = { completion: texts[i][0], reward: rewards[i][0], correct: correct(rewards[i][0]) }));
    }
    if (options.samples > 0) {
      const gens = await policy.generate(prompts, { n: options.samples, temperature: options.temperature, topP: options.topP, maxTokens: options.maxTokens });
      const texts = gens.map((g) => g.samples.map((s) => s.text));
      const rewards = await score(texts);
      rows.forEach((row, i) => (row.samples = { rewards: rewards[i], correct: rewards[i].filter(correct).length, completions: texts[i] }));
    }
    results.push(...rows);
    logger?.progress({ label, current: results.length, total: instances.length });
  }
  return { summary: { ...summarize(options.name ?? task.name, options, results), task: task.name, ...bad, tooLong }, results };
}

function policyPrompt(policy: Policy, instance: Instance): PolicyPrompt {
  if (!isTrainablePolicy(policy)) return instance.prompt;
  const text = policy.formatPrompt(instance.prompt);
  return { text, tokenIds: policy.tokenize(text) };
}

function summarize(benchmark: string, options: EvaluateOptions, results: ProblemResult[]): Omit<EvalSummary, 'task' | 'badRows' | 'badRowsFirst' | 'tooLong'> {
  // A problem whose reward does not apply (unusable gold answer) is left out, never counted as wrong.
  const usable = results.filter((r) => (r.greedy ? r.greedy.reward !== null : true) && (r.samples ? r.samples.rewards.every((x) => x !== null) : true));
  const summary: Omit<EvalSummary, 'task' | 'badRows' | 'badRowsFirst' | 'tooLong'> = {
    benchmark,
    split: options.split,
    problems: usable.length,
    skipped: results.length - usable.length,
  };
  if (!usable.length) return summary;
  if (options.greedy) summary.greedyAccuracy = usable.filter((r) => r.greedy!.correct).length / usable.length;
  if (options.samples > 0) {
    const n = options.samples;
    summary.k = n;
    summary.avgAtK = usable.reduce((a, r) => a + r.samples!.correct / n, 0) / usable.length;
    summary.passAtK = Object.fromEntries(
      reportedKs(n).map((k) => [String(k), usable.reduce((a, r) => a + passAtK(n, r.samples!.correct, k), 0) / usable.length]),
    );
  }
  return summary;
}

/** A Markdown table of summaries, one row per benchmark. */
export function formatEvalTable(summaries: EvalSummary[]): string {
  const pct = (x: number | undefined): string => (x === undefined ? '-' : (100 * x).toFixed(1));
  const ks = [...new Set(summaries.flatMap((s) => Object.keys(s.passAtK ?? {})))].sort((a, b) => Number(a) - Number(b));
  const avgHeader = summaries.find((s) => s.k)?.k;
  const resolved = summaries.some((s) => s.resolveRate !== undefined);
  const header = [
    'benchmark',
    'split',
    'problems',
    'skipped',
    'bad rows',
    'too long',
    'greedy',
    ...(avgHeader ? [`avg@${avgHeader}`] : []),
    ...ks.map((k) => `pass@${k}`),
    ...(resolved ? ['resolved'] : []),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const s of summaries) {
    const cells = [
      s.benchmark,
      s.split,
      String(s.problems),
      String(s.skipped),
      String(s.badRows ?? 0),
      String(s.tooLong ?? 0),
      pct(s.greedyAccuracy),
      ...(avgHeader ? [pct(s.avgAtK)] : []),
      ...ks.map((k) => pct(s.passAtK?.[k])),
      ...(resolved ? [pct(s.resolveRate)] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
