import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface SeriesPoint {
  stage: string;
  step: number;
  value: number;
}

/** A line chart of one metric over steps, one colour per stage, rendered to a standalone SVG string. */
export async function lineChartSvg(title: string, points: SeriesPoint[]): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 180,
    data: { values: points },
    mark: { type: 'line', point: points.length < 60 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title, scale: { zero: false } },
      color: { field: 'stage', type: 'nominal', title: 'stage' },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
