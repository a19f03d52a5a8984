import { escapeHtml as esc } from '../common/escapeHtml.js';
import { barList, chart } from '../common/plots/plotPlaces.js';
import { renderPlotsIn } from '../common/plots/renderPlots.js';
import type { CalibrationReport } from './calibrationReport.js';
import { CONDITION_BINS } from './conditionAnalysis.js';
import { greyHtml } from './greyReportHtml.js';
import { formatProportion, type Proportion } from './presentationAttackRates.js';

const pct = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(digits)}%`;
const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** The calibration report as one self-contained HTML file: tables and inline SVG plots, no scripts, no network. */
export async function renderReportHtml(r: CalibrationReport): Promise<string> {
  const parts: string[] = [];
  parts.push(`<h1>facelock calibration report</h1>
<p>${esc(r.createdAt)} &middot; commit ${esc(r.gitCommit)} &middot; seed ${r.seed} &middot; model ${esc(r.model.description)} (sha256 ${esc(r.model.modelHash.slice(0, 16))}&hellip;)</p>
<p>Wall time ${r.timing.wallSeconds.toFixed(1)} s (features ${r.timing.embedSeconds.toFixed(1)} s on ${r.timing.workers} worker thread(s); ${r.timing.cachedImages} images from the encrypted cache, ${r.timing.computedImages} computed).</p>`);
  if (r.data && r.verification) parts.push(...verificationHtml(r.data, r.verification));
  parts.push(...greyHtml(r));
  if (r.liveness) parts.push(...livenessHtml(r.liveness));
  const cited = [
    r.verification ? 'Labeled Faces in the Wild (Huang et al. 2007)' : '',
    r.grey?.sets.some((s) => s.name === 'yale') ? 'Yale Face Database (Belhumeur et al. 1997)' : '',
    r.grey?.sets.some((s) => s.name === 'orl') ? 'AT&amp;T Database of Faces (Olivetti Research Laboratory)' : '',
    r.liveness ? presentationCitation(r.liveness.dir) : '',
  ].filter(Boolean);
  return renderPlotsIn(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>facelock calibration ${esc(r.createdAt)}</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}figure.plot{margin:0}.plots p.note{flex-basis:100%}</style>
</head><body>${parts.join('\n')}
<p>Data: ${cited.join('; ')}. No face images are included in this report.</p>
</body></html>
`);
}

function verificationHtml(data: NonNullable<CalibrationReport['data']>, v: NonNullable<CalibrationReport['verification']>): string[] {
  const parts: string[] = [];
  parts.push(`<h2>Verification on ${esc(data.dir)}</h2>
<p>${data.images} images in folds ${data.folds.join(', ')}; data manifest sha256 ${esc(data.manifestSha256.slice(0, 16))}&hellip;; split ${esc(data.split ?? 'not frozen')}.
Every same-identity and every cross-identity pair within each fold is scored; an image without a face makes all its pairs rejects.
Failures to enrol (no face found): <b>${v.failedToEnrol.length}</b>${v.failedToEnrol.length ? ` (${esc(v.failedToEnrol.slice(0, 20).join(', '))}${v.failedToEnrol.length > 20 ? ', ...' : ''})` : ''}.</p>`);
  parts.push(summaryTable(v));
  parts.push('<h3>Per fold</h3>');
  parts.push(
    table(
      ['fold', 'identities', 'images', 'no face', 'genuine', 'impostor', 'EER', 'AUC', 'TAR@1e-3', 'TAR@1e-4', 'accuracy'],
      v.folds.map((f) => [
        String(f.fold),
        String(f.identities),
        String(f.images),
        String(f.noFace),
        String(f.genuinePairs),
        String(f.impostorPairs),
        pct(f.eer),
        num(f.auc, 5),
        pct(f.tarAtFar['0.001']?.tar),
        f.tarAtFar['0.0001']?.resolvable ? pct(f.tarAtFar['0.0001']?.tar) : 'n/r',
        pct(v.kfoldAccuracy.folds.find((a) => a.fold === f.fold)?.accuracy),
      ]),
    ),
  );
  parts.push(...curvesHtml(v), ...conditionsHtml(v));
  parts.push('<h3>Worst pairs (identities and scores only)</h3>');
  parts.push(
    table(
      ['lowest genuine', '', 'score'],
      v.worst.genuine.map((p) => [p.a, p.b, num(p.score)]),
    ),
  );
  parts.push(
    table(
      ['highest impostor', '', 'score'],
      v.worst.impostor.map((p) => [p.a, p.b, num(p.score)]),
    ),
  );
  parts.push(
    `<p>Score calibration chosen for the daemon: <code>${esc(JSON.stringify(v.probability.chosen))}</code> (fitted on balanced pairs, prior 0.5).</p>`,
  );
  return parts;
}

/** The pooled headline numbers with their bootstrap intervals, the operating threshold and the door's rates. */
function summaryTable(v: NonNullable<CalibrationReport['verification']>): string {
  const far = (f: string) => v.pooled.tarAtFar[f];
  return table(
    ['', 'value', '95% CI (pair bootstrap)'],
    [
      ['genuine / impostor pairs', `${v.pooled.genuinePairs} / ${v.pooled.impostorPairs}`, ''],
      ['EER', pct(v.pooled.eer), `${pct(v.bootstrap.intervals.eer?.low)} - ${pct(v.bootstrap.intervals.eer?.high)}`],
      ['ROC AUC', num(v.pooled.auc, 5), ''],
      ...['0.01', '0.001', '0.0001', '0.00001'].map((f) => [
        `TAR at FAR ${f}`,
        far(f)?.resolvable ? `${pct(far(f)?.tar)} (threshold ${num(far(f)?.threshold)})` : 'not resolvable: too few impostor pairs',
        v.bootstrap.intervals[`tar@${Number(f)}`]
          ? `${pct(v.bootstrap.intervals[`tar@${Number(f)}`]?.low)} - ${pct(v.bootstrap.intervals[`tar@${Number(f)}`]?.high)}`
          : '',
      ]),
      [
        'k-fold accuracy (official pairs, threshold from the other folds)',
        v.kfoldAccuracy.folds.length ? `${pct(v.kfoldAccuracy.mean)} ± ${pct(v.kfoldAccuracy.std)}` : 'needs 2+ folds',
        '',
      ],
      [
        `held-out TAR / FAR at target FAR ${v.heldOutAtTarget.targetFar}`,
        v.heldOutAtTarget.folds.length
          ? `${pct(v.heldOutAtTarget.meanTar)} / ${v.heldOutAtTarget.meanFar.toExponential(2)}`
          : 'needs 2+ folds',
        '',
      ],
      ['operating threshold (all folds)', num(v.operating.threshold), ''],
      ...(v.doorAtTarget
        ? [
            [
              `door operating point (k=${v.doorAtTarget.k} of n=${v.doorAtTarget.n}, ${v.doorAtTarget.templates} templates, door FAR ${v.doorAtTarget.targetFar})`,
              `threshold ${num(v.doorAtTarget.threshold)}: FRR ${pct(v.doorAtTarget.frr)} over ${v.doorAtTarget.genuineApproaches} approaches, FAR ${v.doorAtTarget.far.toExponential(2)} over ${v.doorAtTarget.impostorApproaches}`,
              `${v.doorAtTarget.identities} people with more than ${v.doorAtTarget.templates} images`,
            ],
          ]
        : []),
      [
        `door (k=${v.door.k} of n=${v.door.n}, ${v.door.templates} templates)`,
        `FRR ${pct(v.door.frr)} over ${v.door.genuineApproaches} approaches, FAR ${v.door.far.toExponential(2)} over ${v.door.impostorApproaches}`,
        `per frame: FRR ${pct(v.door.frameFrr)}, FAR ${v.door.frameFar.toExponential(2)}`,
      ],
    ],
  );
}

/** ROC, DET, score histograms and the reliability diagram. */
function curvesHtml(v: NonNullable<CalibrationReport['verification']>): string[] {
  const parts: string[] = [];
  const minFar = Math.max(1e-7, 1 / Math.max(1, v.pooled.impostorPairs));
  const curves = [
    { name: 'all folds', points: v.pooled.curve, colour: '#000' },
    ...v.folds.map((f, i) => ({ name: `fold ${f.fold}`, points: f.curve, colour: COLOURS[i % COLOURS.length] as string })),
  ];
  parts.push('<div class="plots">');
  parts.push(
    chart(
      'ROC',
      { label: 'false accept rate', log: true, min: minFar, max: 1 },
      { label: 'true accept rate', min: Math.max(0, Math.min(...v.pooled.curve.map((p) => 1 - p.frr)) - 0.02), max: 1 },
      curves.map((c) => ({ name: c.name, colour: c.colour, points: c.points.map((p) => [p.far, 1 - p.frr] as const) })),
    ),
  );
  parts.push(
    chart(
      'DET',
      { label: 'false accept rate', log: true, min: minFar, max: 1 },
      { label: 'false reject rate', log: true, min: 1e-4, max: 1 },
      curves.map((c) => ({ name: c.name, colour: c.colour, points: c.points.map((p) => [p.far, Math.max(p.frr, 1e-4)] as const) })),
    ),
  );
  const h = v.pooled.histogram;
  const step = (h.hi - h.lo) / h.genuine.length;
  const yMax = Math.max(...h.genuine, ...h.impostor, 1e-6);
  parts.push(
    chart('Score histograms (fraction of pairs)', { label: 'similarity', min: h.lo, max: h.hi }, { label: 'fraction', min: 0, max: yMax }, [
      { name: 'impostor', colour: '#d62728', bars: true, points: h.impostor.map((c, i) => [h.lo + i * step, c] as const) },
      { name: 'genuine', colour: '#2ca02c', bars: true, points: h.genuine.map((c, i) => [h.lo + i * step, c] as const) },
    ]),
  );
  const rel = (name: string, bins: typeof v.probability.platt.heldOut.bins, colour: string) => ({
    name,
    colour,
    points: bins.filter((b) => b.count > 0).map((b) => [b.meanPredicted, b.observed] as const),
  });
  const heldOutBins = [...v.probability.platt.heldOut.bins, ...v.probability.temperature.heldOut.bins].filter((b) => b.count > 0);
  if (heldOutBins.length === 0) {
    // the score calibration is fitted on some folds and judged on another: one fold gives nothing to judge
    parts.push(
      `<p class="note">No reliability plot: calibrated probabilities are judged on held-out folds, and this run had ${v.folds.length} fold${v.folds.length === 1 ? '' : 's'} (at least two are needed).</p>`,
    );
    return parts;
  }
  parts.push(
    chart(
      'Reliability (held-out folds)',
      { label: 'predicted P(same person)', min: 0, max: 1 },
      { label: 'observed frequency', min: 0, max: 1 },
      [
        { name: 'perfect', colour: '#999', points: [[0, 0] as const, [1, 1] as const] },
        rel(`Platt, ECE ${num(v.probability.platt.heldOut.ece, 3)}`, v.probability.platt.heldOut.bins, '#1f77b4'),
        rel(`temperature, ECE ${num(v.probability.temperature.heldOut.ece, 3)}`, v.probability.temperature.heldOut.bins, '#ff7f0e'),
      ],
    ),
  );
  return parts;
}

/** FRR bars per condition and the condition table (closes the plots' row). */
function conditionsHtml(v: NonNullable<CalibrationReport['verification']>): string[] {
  const parts: string[] = [];
  for (const spec of CONDITION_BINS) {
    const rows = v.conditions.filter((c) => c.condition === spec.condition);
    parts.push(
      barList(
        `FRR by ${spec.condition} at the operating threshold`,
        rows.map((c) => ({ label: c.bin, value: c.frr, note: `of ${c.genuinePairs}` })),
        Math.max(0.01, ...rows.map((c) => (Number.isFinite(c.frr) ? c.frr : 0))),
      ),
    );
  }
  parts.push('</div><h3>Error analysis by condition</h3>');
  parts.push(
    table(
      ['condition', 'bin (harder image of the pair)', 'genuine pairs', 'FRR', 'impostor pairs', 'FAR'],
      v.conditions.map((c) => [
        c.condition,
        c.bin,
        String(c.genuinePairs),
        pct(c.frr),
        String(c.impostorPairs),
        Number.isFinite(c.far) ? c.far.toExponential(2) : '-',
      ]),
    ),
  );
  return parts;
}

const share = (p: Proportion) => formatProportion(p, (v) => pct(v), 'n/a');

function livenessHtml(l: NonNullable<CalibrationReport['liveness']>): string[] {
  const parts: string[] = [];
  parts.push(`<h2>Liveness on ${esc(l.dir)} (ISO/IEC 30107-3)</h2>`);
  parts.push(
    `<p>Headline and DET on the <b>${esc(l.part)}</b> part: people and a capture session training never saw. Intervals are 95% Wilson intervals; frames of one recording are not independent, so the per-frame intervals are too narrow and the per-approach ones count approaches.</p>`,
  );
  parts.push(
    table(
      ['part', 'level', 'recordings', 'APCER per species (95% CI)', 'BPCER (95% CI)'],
      l.byPart.map((b) => [
        b.part,
        b.level,
        String(b.recordings),
        b.rates.species.map((x) => `${x.species}: ${share(x.apcer)}`).join('; ') || 'no attacks',
        share(b.rates.bpcer),
      ]),
    ),
  );
  parts.push(
    table(
      ['', 'value'],
      [
        [`bona fide / attack presentations (${l.part})`, `${l.bonaFide} / ${l.attacks} (${l.subjects} subjects in the folder)`],
        [`APCER at threshold ${l.threshold}`, pct(l.apcer)],
        [`BPCER at threshold ${l.threshold}`, pct(l.bpcer)],
        ['APCER at BPCER 5% / 10%', `${pct(l.apcerAtBpcer['0.05'])} / ${pct(l.apcerAtBpcer['0.1'])}`],
        ['no face found: bona fide / attack', `${l.bonaFideNoFace} / ${l.attackNoFace}`],
      ],
    ),
  );
  parts.push(
    chart('Liveness DET', { label: 'APCER', log: true, min: 1e-3, max: 1 }, { label: 'BPCER', log: true, min: 1e-3, max: 1 }, [
      {
        name: 'trained liveness',
        colour: '#9467bd',
        points: l.det.map((d) => [Math.max(d.apcer, 1e-3), Math.max(d.bpcer, 1e-3)] as const),
      },
    ]),
  );
  return parts;
}

/** Whose presentations the report measured: a dataset's citation only when it is that dataset's folder. */
function presentationCitation(dir: string): string {
  if (/nuaa/i.test(dir)) return 'NUAA Photograph Imposter Database (Tan et al., ECCV 2010)';
  if (/replay/i.test(dir)) return 'Idiap Replay-Attack (Chingovska et al., BIOSIG 2012)';
  return 'presentations recorded at this door (the folder named above)';
}
