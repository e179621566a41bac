import type { MetricKey } from '@srl/core';

/** True when `key` is one of `keys` (metric keys as the trainers write them: a typo here fails to compile). */
const is = (key: string, ...keys: MetricKey[]): boolean => (keys as string[]).includes(key);

/** A metric line of a stage's metrics.jsonl. */
export interface MetricLine {
  stage: number;
  trainer?: string;
  step: number;
  type?: string;
  sample?: { prompt: string; reference: string; completion: string; reward: number | null };
  [key: string]: unknown;
}

export interface StageMetrics {
  /** The stage folder name, `<index>-<name>`. */
  name: string;
  lines: MetricLine[];
}

/** One chart: the series it draws (metric keys), each optionally with a std key drawn as a band. */
export interface ChartSpec {
  title: string;
  keys: { key: string; label: string; std?: string }[];
  /** Draw one chart per stage instead of one across stages (losses of different trainers do not share an axis). */
  perStage?: boolean;
  /** Axis format, e.g. '.1%' for rates. */
  format?: string;
}

export interface ChartGroup {
  title: string;
  charts: ChartSpec[];
}

/** Keys that are bookkeeping, not metrics. */
const IGNORED = new Set(['stage', 'step', 'epoch', 'trainer', 'type', 'sample']);

/** Every numeric key that occurs in the lines (a key counts even if all its values are null). */
export function numericKeys(stages: StageMetrics[]): string[] {
  const keys = new Set<string>();
  for (const { lines } of stages) {
    for (const line of lines) {
      for (const [k, v] of Object.entries(line)) if (!IGNORED.has(k) && (typeof v === 'number' || v === null)) keys.add(k);
    }
  }
  return [...keys].filter((k) => stages.some(({ lines }) => lines.some((l) => typeof l[k] === 'number' && Number.isFinite(l[k])))).sort();
}

interface Rule {
  group: string;
  test: (key: string) => boolean;
  chart?: (key: string) => string;
  perStage?: boolean;
  format?: string;
}

/**
 * How keys are grouped, in order; the first rule that matches a key wins. Rewards chart per
 * component with std bands; losses per stage (SFT's cross-entropy and GRPO's surrogate differ).
 */
const RULES: Rule[] = [
  {
    group: 'Rewards',
    test: (k) => /^reward(_kept)?(\/.+)?\/mean$/.test(k),
    chart: (k) => (is(k, 'reward/mean', 'reward_kept/mean') ? 'reward (all rollouts, and kept groups)' : `reward component: ${k.slice(7, -5)}`),
  },
  {
    group: 'Dynamic sampling',
    test: (k) => is(k, 'filter_rate', 'batch_capped', 'batch_fill') || /^fill/.test(k),
    chart: () => 'filter rate and fill',
    format: '.0%',
  },
  {
    group: 'Dynamic sampling',
    test: (k) => is(k, 'kept_groups', 'generated_groups', 'sampling_rounds') || /groups|rounds/.test(k),
    chart: () => 'groups and sampling rounds',
  },
  { group: 'Loss', test: (k) => is(k, 'loss', 'val_loss'), chart: () => 'loss', perStage: true },
  { group: 'Validation', test: (k) => k.startsWith('val/'), chart: (k) => `validation ${k.slice(4)}` },
  { group: 'Policy', test: (k) => is(k, 'kl'), chart: () => 'KL to the reference (k3)' },
  { group: 'Policy', test: (k) => is(k, 'entropy'), chart: () => 'entropy of completion tokens' },
  { group: 'Policy', test: (k) => is(k, 'clip_fraction'), chart: () => 'clipped token fraction', format: '.1%' },
  { group: 'Optimisation', test: (k) => is(k, 'grad_norm'), chart: () => 'gradient norm (before clipping)' },
  { group: 'Optimisation', test: (k) => is(k, 'lr'), chart: () => 'learning rate' },
  { group: 'Optimisation', test: (k) => is(k, 'skipped_update', 'skipped_updates', 'updates'), chart: () => 'updates and skipped updates' },
  { group: 'Completions', test: (k) => k.startsWith('completion_length/'), chart: () => 'completion length (tokens)' },
  { group: 'Completions', test: (k) => is(k, 'finish_length_fraction'), chart: () => 'fraction cut at max tokens', format: '.0%' },
  { group: 'Throughput', test: (k) => k.startsWith('tokens'), chart: (k) => (is(k, 'tokens/s') ? 'tokens per second' : 'tokens per step') },
  { group: 'Time split', test: (k) => k.startsWith('time/'), chart: () => 'seconds per step, by phase' },
  { group: 'Memory', test: (k) => /^(memory|rss|heap)/.test(k), chart: () => 'memory (bytes)' },
];

/** Groups every numeric series of the run into charts; keys no rule knows go to "Other", one chart each. */
export function groupMetrics(keys: readonly string[]): ChartGroup[] {
  const groups = new Map<string, Map<string, ChartSpec>>();
  const add = (group: string, title: string, entry: ChartSpec['keys'][number], extra: Partial<ChartSpec>): void => {
    const charts = groups.get(group) ?? new Map<string, ChartSpec>();
    groups.set(group, charts);
    const chart = charts.get(title) ?? { title, keys: [], ...extra };
    charts.set(title, chart);
    chart.keys.push(entry);
  };
  const all = new Set(keys);
  for (const key of keys) {
    if (/\/std$/.test(key) && all.has(key.replace(/\/std$/, '/mean'))) continue; // drawn as the band of its mean
    const rule = RULES.find((r) => r.test(key));
    const std = key.endsWith('/mean') && all.has(key.replace(/\/mean$/, '/std')) ? key.replace(/\/mean$/, '/std') : undefined;
    const entry = { key, label: key, ...(std ? { std } : {}) };
    if (rule)
      add(rule.group, rule.chart?.(key) ?? key, entry, { ...(rule.perStage ? { perStage: true } : {}), ...(rule.format ? { format: rule.format } : {}) });
    else add('Other', key, entry, {});
  }
  const order = [...new Set([...RULES.map((r) => r.group), 'Other'])];
  const overallFirst = (c: ChartSpec): number => (c.keys.some((k) => k.key === 'reward/mean') ? 0 : 1);
  return order.filter((g) => groups.has(g)).map((g) => ({ title: g, charts: [...groups.get(g)!.values()].sort((a, b) => overallFirst(a) - overallFirst(b)) }));
}

/**
 * Global step across stages: each stage's steps are offset by the steps of the stages before it,
 * so a run reads left to right on one axis.
 */
export function globalStepOffsets(stages: StageMetrics[]): Map<string, number> {
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const { name, lines } of stages) {
    offsets.set(name, offset);
    offset += Math.max(0, ...lines.map((l) => (Number.isFinite(l.step) ? l.step : 0)));
  }
  return offsets;
}
