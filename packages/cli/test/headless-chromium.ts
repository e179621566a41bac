import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run), so there the report tests must run; elsewhere they run when chromium is there.
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for the report tests`);

/** Headless Debian chromium with nothing that reaches the network; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface DrawnChart {
  title: string | null;
  width: number;
  height: number;
  /** SVG paths with a real shape and a non-empty box. */
  marks: number;
  /** Every text of the SVG (axis titles, legend entries). */
  legend: string[];
}

/** What each `figure.chart` of the page drew. */
export function drawnCharts(page: Page): Promise<DrawnChart[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const marks = [...(svg?.querySelectorAll('path') ?? [])].filter((p) => {
        const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return (p.getAttribute('d') ?? '').length > 4 && (b.width > 0 || b.height > 0);
      });
      const legend = [...(svg?.querySelectorAll('text') ?? [])].map((t) => t.textContent ?? '');
      return { title: f.getAttribute('data-title'), width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.length, legend };
    }),
  );
}
