/** Small, dependency-free SVG charts for the single-file calibration report. */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly colour: string;
  /** Draw as bars from zero (histograms) instead of a line. */
  readonly bars?: boolean;
  /** Draw as unconnected dots (a scatter) instead of a line. */
  readonly dots?: boolean;
}

export interface Axis {
  readonly label: string;
  readonly log?: boolean;
  readonly min: number;
  readonly max: number;
}

const W = 460;
const H = 300;
const M = { l: 58, r: 14, t: 26, b: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1e-2 || v === 0 ? String(Math.round(v * 1000) / 1000) : v.toExponential(0));

function scale(axis: Axis, size: number, flip: boolean): (v: number) => number {
  const f = (v: number) => (axis.log ? Math.log10(Math.max(v, axis.min)) : v);
  const lo = f(axis.min);
  const hi = f(axis.max);
  return (v) => {
    const t = (f(Math.min(Math.max(v, axis.min), axis.max)) - lo) / (hi - lo || 1);
    return flip ? size * (1 - t) : size * t;
  };
}

function ticks(axis: Axis): number[] {
  if (axis.log) {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(axis.min)); e <= Math.floor(Math.log10(axis.max)); e++) out.push(10 ** e);
    return out;
  }
  return Array.from({ length: 6 }, (_, i) => axis.min + ((axis.max - axis.min) * i) / 5);
}

/** A line or bar chart with axes, ticks and a legend. */
export function chart(title: string, x: Axis, y: Axis, series: readonly Series[], extra = ''): string {
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const sx = scale(x, pw, false);
  const sy = scale(y, ph, true);
  const grid = [
    ...ticks(x).map(
      (v) =>
        `<line x1="${sx(v)}" y1="0" x2="${sx(v)}" y2="${ph}" stroke="#ddd"/><text x="${sx(v)}" y="${ph + 14}" text-anchor="middle">${fmt(v)}</text>`,
    ),
    ...ticks(y).map(
      (v) =>
        `<line x1="0" y1="${sy(v)}" x2="${pw}" y2="${sy(v)}" stroke="#ddd"/><text x="-4" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
    ),
  ].join('');
  const drawn = series
    .map((s) => {
      if (s.bars) {
        const bw = s.points.length > 1 ? Math.max(1, sx(s.points[1]?.[0] ?? 0) - sx(s.points[0]?.[0] ?? 0)) : 4;
        return s.points
          .map(
            ([px, py]) => `<rect x="${sx(px)}" y="${sy(py)}" width="${bw}" height="${ph - sy(py)}" fill="${s.colour}" fill-opacity="0.5"/>`,
          )
          .join('');
      }
      if (s.dots)
        return s.points
          .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
          .map(([px, py]) => `<circle cx="${sx(px).toFixed(1)}" cy="${sy(py).toFixed(1)}" r="4" fill="${s.colour}"/>`)
          .join('');
      const d = s.points
        .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
        .map(([px, py], i) => `${i ? 'L' : 'M'}${sx(px).toFixed(1)},${sy(py).toFixed(1)}`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"/>`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${pw - 150}" y="${6 + i * 16}" width="10" height="10" fill="${s.colour}"/><text x="${pw - 136}" y="${15 + i * 16}">${esc(s.name)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>
<g transform="translate(${M.l},${M.t})">${grid}<rect width="${pw}" height="${ph}" fill="none" stroke="#888"/>${drawn}${extra}${legend}
<text x="${pw / 2}" y="${ph + 32}" text-anchor="middle">${esc(x.label)}</text>
<text transform="translate(-44,${ph / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text></g></svg>`;
}

/** Horizontal bars, one per label, with the value written beside each. */
export function barList(
  title: string,
  rows: readonly { label: string; value: number; note?: string }[],
  max: number,
  colour = '#c0392b',
): string {
  const rowH = 18;
  const h = 30 + rows.length * rowH;
  const lw = 200;
  const bw = W - lw - 70;
  const bars = rows
    .map((r, i) => {
      const w = Number.isFinite(r.value) ? (bw * Math.min(r.value, max)) / (max || 1) : 0;
      const text = Number.isFinite(r.value) ? `${(r.value * 100).toFixed(2)}%${r.note ? ` ${r.note}` : ''}` : 'no pairs';
      return `<text x="${lw - 6}" y="${30 + i * rowH + 12}" text-anchor="end">${esc(r.label)}</text><rect x="${lw}" y="${30 + i * rowH + 2}" width="${w}" height="${rowH - 5}" fill="${colour}"/><text x="${lw + w + 4}" y="${30 + i * rowH + 12}">${esc(text)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}"><text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>${bars}</svg>`;
}

export { esc as escapeHtml };

/** A heatmap: cell shade by count, the reject share written in each non-empty cell. */
export function heatmapSvg(
  title: string,
  xLabel: string,
  yLabel: string,
  columns: readonly string[],
  rows: readonly string[],
  counts: readonly (readonly number[])[],
  share: readonly (readonly (number | null)[])[],
): string {
  const cw = Math.max(18, Math.min(60, 380 / columns.length));
  const ch = 26;
  const left = 80;
  const top = 30;
  const max = Math.max(1, ...counts.flat());
  const cells = rows
    .map((_, i) =>
      columns
        .map((_, j) => {
          const c = counts[i]?.[j] ?? 0;
          const s = share[i]?.[j];
          const shade = c === 0 ? '#f4f4f4' : `rgba(31,119,180,${(0.15 + (0.85 * c) / max).toFixed(2)})`;
          const x = left + j * cw;
          const y = top + (rows.length - 1 - i) * ch;
          const text =
            c === 0
              ? ''
              : `<text x="${x + cw / 2}" y="${y + 16}" text-anchor="middle" font-size="9">${c}${s ? `/${Math.round(s * 100)}%` : ''}</text>`;
          return `<rect class="cell" x="${x}" y="${y}" width="${cw - 1}" height="${ch - 1}" fill="${shade}"><title>${esc(`${rows[i]}, ${columns[j]}: ${c} approaches${s === null || s === undefined ? '' : `, ${Math.round(s * 100)}% rejected`}`)}</title></rect>${text}`;
        })
        .join(''),
    )
    .join('');
  const w = left + columns.length * cw + 10;
  const h = top + rows.length * ch + 40;
  const xl = columns
    .map(
      (c, j) =>
        `<text x="${left + j * cw + cw / 2}" y="${top + rows.length * ch + 12}" text-anchor="middle" font-size="9">${esc(c)}</text>`,
    )
    .join('');
  const yl = rows
    .map((r, i) => `<text x="${left - 4}" y="${top + (rows.length - 1 - i) * ch + 16}" text-anchor="end" font-size="9">${esc(r)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}"><text x="${w / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>${cells}${xl}${yl}<text x="${left + (columns.length * cw) / 2}" y="${h - 6}" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(12,${top + (rows.length * ch) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></svg>`;
}
