import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface SeriesPoint {
  /** Legend entry: the metric (and stage, when several stages share the chart). */
  series: string;
  /** The x value: the global step across the run's stages (or what `xTitle` names). */
  step: number;
  value: number;
  /** Band around the value (mean ± std), when the metric has a std. */
  lo?: number;
  hi?: number;
}

/**
 * A line chart over global steps, one colour per series, with a shaded mean ± std band where the
 * points carry one, rendered to a standalone SVG string (no scripts in the page).
 */
export async function lineChartSvg(title: string, points: SeriesPoint[], options: { format?: string; xTitle?: string } = {}): Promise<string> {
  const color = { field: 'series', type: 'nominal' as const, title: null, legend: { orient: 'bottom' as const, columns: 2, labelLimit: 260 } };
  const x = { field: 'step', type: 'quantitative' as const, title: options.xTitle ?? 'global step' };
  // '~g' drops insignificant zeros, so a constant series reads 1, not 1.000000.
  const axis = { format: options.format ?? '~g' };
  const band = points.some((p) => p.lo !== undefined);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 440,
    height: 180,
    data: { values: points },
    layer: [
      ...(band
        ? [
            {
              mark: { type: 'area' as const, opacity: 0.18 },
              transform: [{ filter: 'isValid(datum.lo)' }],
              encoding: { x, y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' }, color },
            },
          ]
        : []),
      {
        mark: { type: 'line', point: points.length < 60 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis }, color },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
