/** Formats seconds as 1h02m, 3m05s or 42s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function formatField(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3);
}

/** One line of progress: `label [#####.....] 12/100 ETA 1m05s key=value ...`. */
export function renderProgress(input: {
  label: string;
  current: number;
  total: number;
  elapsedSeconds: number;
  width?: number;
  fields?: Record<string, number | string | null>;
}): string {
  const { label, current, total, elapsedSeconds, fields = {} } = input;
  const width = input.width ?? 24;
  const fraction = total > 0 ? Math.min(1, current / total) : 0;
  const filled = Math.round(fraction * width);
  const eta = current > 0 ? (elapsedSeconds / current) * (total - current) : NaN;
  const extras = Object.entries(fields)
    .filter(([, v]) => v !== null && v !== undefined && (typeof v === 'string' || Number.isFinite(v)))
    .map(([k, v]) => `${k}=${formatField(v as number | string)}`);
  return [`${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${current}/${total}`, `ETA ${formatDuration(eta)}`, ...extras].join(' ');
}
