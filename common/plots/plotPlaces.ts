import { type Axis, barListSpec, heatmapSpec, lineChartSpec, type Series } from './plotSpecs.js';
import { plot } from './renderPlots.js';

/**
 * The report builders' plots: each a place in the page for its Vega-Lite spec (plotSpecs.ts), drawn when the page is
 * finished (renderPlotsIn).
 */
export const chart = (title: string, x: Axis, y: Axis, series: readonly Series[]): string => plot(lineChartSpec(title, x, y, series));

export const barList = (
  title: string,
  rows: readonly { label: string; value: number; note?: string }[],
  max: number,
  colour?: string,
): string => plot(barListSpec(title, rows, max, colour));

export const heatmap = (...args: Parameters<typeof heatmapSpec>): string => plot(heatmapSpec(...args));
