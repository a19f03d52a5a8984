import type { TopLevelSpec } from 'vega-lite';

/**
 * The report plots as Vega-Lite specifications: pure data -> spec, drawn to SVG at report time (renderPlots.ts) and
 * the same specs for the web app to draw interactively. Legends sit below the plot (never over the data), axes take
 * Vega's nice ticks, labels are limited to the room they have.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly colour: string;
  /** Bars from zero (a histogram whose points are the bins' left edges, evenly spaced). */
  readonly bars?: boolean;
  /** Unconnected dots (a scatter) instead of a line. */
  readonly dots?: boolean;
}

export interface Axis {
  readonly label: string;
  readonly log?: boolean;
  readonly min: number;
  readonly max: number;
}

const WIDTH = 400;
const HEIGHT = 240;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = { font: 'sans-serif', labelFont: 'sans-serif', titleFont: 'sans-serif' } as const;

function scaleOf(a: Axis) {
  return a.log
    ? { type: 'log' as const, domain: [a.min, a.max], clamp: true, nice: false }
    : { type: 'linear' as const, domain: [a.min, a.max], clamp: true, nice: false, zero: false };
}

/** A log axis labels its powers of ten only; a linear one Vega's nice steps (1, 2, 5 x 10^k). */
function axisOf(a: Axis) {
  return a.log
    ? // 1, 0.1, 0.01, then 1e-3, 1e-4 ...: how error rates are read
      {
        title: a.label,
        values: powersOfTen(a.min, a.max),
        labelExpr: "datum.value >= 0.01 ? format(datum.value, '~g') : format(datum.value, '.0e')",
        grid: true,
      }
    : { title: a.label, format: '~r', tickCount: 6, grid: true };
}

export function powersOfTen(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(10 ** e);
  return out;
}

/** Lines, dots and histogram bars on shared axes, with a legend below. */
export function lineChartSpec(title: string, x: Axis, y: Axis, series: readonly Series[]): TopLevelSpec {
  const names = series.map((s) => s.name);
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: names, range: series.map((s) => s.colour) },
    legend: { orient: 'bottom' as const, title: null, columns: Math.min(3, names.length), labelLimit: 180 },
  };
  const xEnc = { field: 'x', type: 'quantitative' as const, scale: scaleOf(x), axis: axisOf(x) };
  const yEnc = { field: 'y', type: 'quantitative' as const, scale: scaleOf(y), axis: axisOf(y) };
  const finite = (s: Series) => s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
  const rows = (kind: 'line' | 'dots' | 'bars') =>
    series
      .filter((s) => (kind === 'bars' ? s.bars : kind === 'dots' ? s.dots && !s.bars : !s.bars && !s.dots))
      .flatMap((s) => {
        const pts = finite(s);
        const step = pts.length > 1 ? (pts[1]?.[0] ?? 0) - (pts[0]?.[0] ?? 0) : 0;
        return pts.map(([px, py], i) => ({ series: s.name, x: px, y: py, x2: px + step, order: i }));
      });
  const layer = [
    {
      data: { values: rows('bars') },
      mark: { type: 'rect' as const, opacity: 0.5 },
      encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { datum: y.log ? y.min : 0 }, color: colour },
    },
    {
      data: { values: rows('line') },
      mark: { type: 'line' as const, strokeWidth: 2, clip: true },
      encoding: { x: xEnc, y: yEnc, color: colour, order: { field: 'order' } },
    },
    {
      data: { values: rows('dots') },
      mark: { type: 'point' as const, filled: true, size: 50, clip: true },
      encoding: { x: xEnc, y: yEnc, color: colour },
    },
  ].filter((l) => l.data.values.length > 0);
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    config: { ...FONT, view: { stroke: '#888' } },
    layer,
  } as TopLevelSpec;
}

/** Horizontal bars, one per label, each with its value (and a note) written beside it, inside the plot. */
export function barListSpec(
  title: string,
  rows: readonly { label: string; value: number; note?: string }[],
  max: number,
  colour = '#c0392b',
): TopLevelSpec {
  const values = rows.map((r, order) => ({
    label: r.label,
    order,
    value: Number.isFinite(r.value) ? Math.min(r.value, max) : 0,
    text: Number.isFinite(r.value) ? `${(r.value * 100).toFixed(2)}%${r.note ? ` ${r.note}` : ''}` : 'no pairs',
  }));
  // the value text is written right of its bar: the axis runs past the longest bar to leave it room
  const domainMax = Math.max(max, 1e-9) * 1.6;
  const y = { field: 'label', type: 'nominal' as const, sort: values.map((v) => v.label), axis: { title: null, labelLimit: 190 } };
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH - 120,
    height: { step: 18 },
    config: { ...FONT, view: { stroke: null } },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', color: colour },
        encoding: {
          x: {
            field: 'value',
            type: 'quantitative',
            scale: { domain: [0, domainMax], nice: false },
            axis: { title: null, format: '~%', tickCount: 4 },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, limit: 160 },
        encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  } as TopLevelSpec;
}

/** A count heatmap with a colour scale, each non-empty cell labelled with its count and reject share. */
export function heatmapSpec(
  title: string,
  xLabel: string,
  yLabel: string,
  columns: readonly string[],
  rows: readonly string[],
  counts: readonly (readonly number[])[],
  share: readonly (readonly (number | null)[])[],
): TopLevelSpec {
  const cell = Math.max(22, Math.min(56, 420 / Math.max(1, columns.length)));
  // a cell wide enough says count/share; a narrow one the count (the share is in its tooltip)
  const withShare = cell >= 44;
  const values = rows.flatMap((row, i) =>
    columns.map((column, j) => {
      const count = counts[i]?.[j] ?? 0;
      const s = share[i]?.[j];
      return {
        row,
        column,
        count,
        text: count === 0 ? '' : `${count}${s && withShare ? `/${Math.round(s * 100)}%` : ''}`,
        tooltip: `${row}, ${column}: ${count} ${count === 1 ? 'approach' : 'approaches'}${s === null || s === undefined ? '' : `, ${Math.round(s * 100)}% rejected`}`,
      };
    }),
  );
  const max = Math.max(1, ...counts.flat());
  const x = {
    field: 'column',
    type: 'ordinal' as const,
    sort: [...columns],
    axis: { title: xLabel, labelAngle: columns.some((c) => c.length > 4) ? -35 : 0, labelLimit: 90 },
  };
  const y = { field: 'row', type: 'ordinal' as const, sort: [...rows].reverse(), axis: { title: yLabel } };
  return {
    $schema: SCHEMA,
    title,
    width: { step: cell },
    height: { step: 24 },
    config: { ...FONT, view: { stroke: null } },
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff' },
        encoding: {
          color: {
            // an empty cell is grey, not the palest blue: nothing was seen there
            condition: { test: 'datum.count === 0', value: '#f2f2f2' },
            field: 'count',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, max] },
            legend: { title: 'approaches', orient: 'right', gradientLength: 100 },
          },
          tooltip: { field: 'tooltip' },
        },
      },
      {
        mark: { type: 'text', fontSize: 9, limit: cell - 4 },
        encoding: {
          text: { field: 'text' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}
