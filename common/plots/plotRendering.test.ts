import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barListSpec, heatmapSpec, lineChartSpec } from './plotSpecs.js';
import { plot, renderPlotsIn, renderSvg } from './renderPlots.js';

const chromium = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
if (!chromium) console.warn('SKIPPED the plot layout checks: no chromium (.ci/run installs the Debian package)');
const dir = mkdtempSync(join(tmpdir(), 'facelock-plots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Awkward data, as the reports meet it: odd ranges, a log axis, long bar notes, a wide and a narrow heatmap. */
const SPECS = {
  histogram: lineChartSpec(
    'Score histograms',
    { label: 'similarity', min: -0.512, max: 0.917 },
    { label: 'fraction', min: 0, max: 0.317 },
    [
      {
        name: 'impostor',
        colour: '#d62728',
        bars: true,
        points: Array.from({ length: 40 }, (_, i) => [-0.512 + i * 0.0357, 0.146 * Math.exp(-((i - 12) ** 2) / 20)] as const),
      },
      {
        name: 'genuine, a long name for a legend',
        colour: '#2ca02c',
        bars: true,
        points: Array.from({ length: 40 }, (_, i) => [-0.512 + i * 0.0357, 0.317 * Math.exp(-((i - 30) ** 2) / 10)] as const),
      },
    ],
  ),
  det: lineChartSpec(
    'DET',
    { label: 'false accept rate', log: true, min: 3.2e-7, max: 1 },
    { label: 'false reject rate', log: true, min: 1e-4, max: 1 },
    [
      {
        name: 'all folds',
        colour: '#000',
        points: [
          [3.2e-7, 0.09],
          [1e-5, 0.05],
          [1e-3, 0.02],
          [0.1, 1e-3],
          [1, 1e-4],
        ],
      },
      ...[1, 2, 3, 4, 5].map((f) => ({
        name: `fold ${f}`,
        colour: '#1f77b4',
        points: [
          [1e-6, 0.1 / f],
          [1, 1e-4],
        ] as const,
      })),
    ],
  ),
  bars: barListSpec(
    'FRR by contrast',
    [
      { label: 'sd >= 45', value: 0.0201, note: 'of 547' },
      { label: '30-45', value: 0.0264, note: 'of 5189' },
      { label: '< 30', value: Number.NaN },
    ],
    0.0264,
  ),
  heatmap: heatmapSpec(
    'Pose at the door',
    'yaw (degrees)',
    'pitch (degrees)',
    ['-90..-30', '-30..-15', '-15..-5', '-5..5', '5..15', '15..30', '30..90'],
    ['-90..-14', '-14..-4', '-4..4', '4..16'],
    [
      [1, 0, 3, 120, 4, 0, 1],
      [2, 33, 45, 999, 40, 20, 3],
      [0, 5, 6, 7, 8, 9, 0],
      [1, 1, 1, 1, 1, 1, 1],
    ],
    [
      [0, null, 0.33, 0.125, 1, null, 0],
      [0.5, 0.08, 0.2, 0.1, 0.05, 0.3, 0],
      [null, 0, 0, 0, 0, 0, null],
      [1, 1, 1, 1, 1, 1, 1],
    ],
  ),
  hours: heatmapSpec(
    'Face luminance by hour',
    'hour',
    'luminance',
    Array.from({ length: 24 }, (_, h) => String(h)),
    ['0..40', '40..80'],
    [Array.from({ length: 24 }, (_, h) => h * 50), Array.from({ length: 24 }, () => 1)],
    [Array.from({ length: 24 }, () => 0.5), Array.from({ length: 24 }, () => null)],
  ),
};

/**
 * Each plot in headless Chromium, measured by the browser: every visible text's box against its SVG's, the axis labels,
 * and the legend against the plotting area. The page's script writes the measures into the page; --dump-dom reads them.
 */
function measure(svgs: Record<string, string>) {
  const page = join(dir, 'plots.html');
  const script = `const out={};for(const f of document.querySelectorAll('figure')){const svg=f.querySelector('svg');const r=svg.getBoundingClientRect();const texts=[...svg.querySelectorAll('text')].filter(t=>getComputedStyle(t).opacity!=='0'&&t.getAttribute('opacity')!=='0'&&t.textContent.trim()).map(t=>{const b=t.getBoundingClientRect();return{text:t.textContent,left:b.left-r.left,right:b.right-r.left,top:b.top-r.top,bottom:b.bottom-r.top,axis:!!t.closest('.role-axis-label')}});const frame=svg.querySelector('.role-frame,.mark-group.role-scope,.mark-group.role-cell')||svg;const legend=svg.querySelector('.role-legend');const fb=(svg.querySelector('.role-axis-grid')||svg.querySelector('.mark-rect')||frame).getBoundingClientRect();const domains=[...svg.querySelectorAll('.role-axis-domain')].map(d=>d.getBoundingClientRect().right-r.left);out[f.id]={width:r.width,height:r.height,texts,legend:legend?legend.getBoundingClientRect().top-r.top:null,plotBottom:fb.bottom-r.top,plotRight:Math.max(...domains)}}document.getElementById('out').textContent=JSON.stringify(out);`;
  writeFileSync(
    page,
    `<!doctype html><html><body>${Object.entries(svgs)
      .map(([id, svg]) => `<figure id="${id}">${svg}</figure>`)
      .join('')}<pre id="out"></pre><script>${script}</script></body></html>`,
  );
  const dom = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${page}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const json = dom.stdout.match(/<pre id="out">([^<]*)<\/pre>/)?.[1] ?? '{}';
  return JSON.parse(
    json
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  ) as Record<
    string,
    {
      width: number;
      height: number;
      texts: { text: string; left: number; right: number; top: number; bottom: number; axis: boolean }[];
      legend: number | null;
      plotBottom: number;
      plotRight: number;
    }
  >;
}

/** A round tick: at most two significant digits (0.2, 0.25, 1e-4), not 0.146 or -0.512. */
function isRound(label: string): boolean {
  const v = Number(label.replace(/\u2212/g, '-').replace('%', ''));
  if (!Number.isFinite(v)) return false;
  if (v === 0) return true;
  const digits = Math.abs(v) / 10 ** Math.floor(Math.log10(Math.abs(v)));
  return Math.abs(digits * 10 - Math.round(digits * 10)) < 1e-6;
}

describe.runIf(chromium)('the plots as Chromium draws them', () => {
  it('have round ticks, every label inside its plot, and legends below the data', async () => {
    const svgs = Object.fromEntries(await Promise.all(Object.entries(SPECS).map(async ([k, spec]) => [k, await renderSvg(spec)] as const)));
    const m = measure(svgs);
    expect(Object.keys(m)).toEqual(Object.keys(SPECS));
    for (const [id, p] of Object.entries(m)) {
      expect(p.texts.length, id).toBeGreaterThan(3);
      for (const t of p.texts) {
        expect(t.left, `${id}: "${t.text}" leaves the plot on the left`).toBeGreaterThanOrEqual(-0.5);
        expect(t.right, `${id}: "${t.text}" leaves the plot on the right`).toBeLessThanOrEqual(p.width + 0.5);
        expect(t.top, `${id}: "${t.text}" leaves the plot at the top`).toBeGreaterThanOrEqual(-0.5);
        expect(t.bottom, `${id}: "${t.text}" leaves the plot at the bottom`).toBeLessThanOrEqual(p.height + 0.5);
      }
    }
    for (const id of ['histogram', 'det', 'bars'] as const) {
      // the numeric axes' labels (the bar chart's category labels are names)
      const ticks = (m[id]?.texts ?? []).filter((t) => t.axis && (id !== 'bars' || t.text.endsWith('%'))).map((t) => t.text);
      expect(ticks.length, id).toBeGreaterThan(3);
      for (const tick of ticks) expect(isRound(tick), `${id}: tick ${tick}`).toBe(true);
    }
    expect(m.det?.texts.filter((t) => t.axis).map((t) => t.text)).toEqual(expect.arrayContaining(['1e-6', '1e-4', '0.01', '1']));
    for (const id of ['histogram', 'det'] as const)
      expect(m[id]?.legend ?? 0, `${id}: legend over the data`).toBeGreaterThanOrEqual(m[id]?.plotBottom ?? 1e9);
    // the bar notes are written whole, inside the plotting area (not over its edge)
    const notes = (m.bars?.texts ?? []).filter((t) => / of |no pairs/.test(t.text));
    expect(notes.map((t) => t.text).sort()).toEqual(['2.01% of 547', '2.64% of 5189', 'no pairs']);
    for (const n of notes) expect(n.right, `"${n.text}" runs past the axis`).toBeLessThanOrEqual((m.bars?.plotRight ?? 0) + 0.5);
  }, 60_000);

  it('draws every plot place of a page, and a page without plots unchanged', async () => {
    const page = `<p>a</p>${plot(SPECS.bars)}<p>b</p>${plot(SPECS.hours)}`;
    const drawn = await renderPlotsIn(page);
    expect(drawn.match(/<svg/g)).toHaveLength(2);
    expect(drawn).not.toContain('data-spec');
    expect(await renderPlotsIn('<p>no plot</p>')).toBe('<p>no plot</p>');
  });
});
