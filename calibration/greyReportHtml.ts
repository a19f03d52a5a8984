import type { CalibrationReport } from './calibrationReport.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const rate = (v: number) => (v === 0 ? '0' : v.toExponential(2));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** One row of the colour-against-grey summary: EER, TAR at three FARs, faces missed. */
function summaryRow(name: string, x: NonNullable<CalibrationReport['verification']>): string[] {
  const tar = (f: string) => pct(x.pooled.tarAtFar[f]?.tar ?? 0);
  return [name, pct(x.pooled.eer), tar('0.001'), tar('0.0001'), tar('0.00001'), String(x.failedToEnrol.length)];
}

/** The grey camera's operating point next to the colour threshold's rates on the same grey faces, and per condition. */
export function greyHtml(r: CalibrationReport): string[] {
  const g = r.grey;
  const v = r.verification;
  if (!g || !v) return [];
  const gv = g.verification;
  const parts = [
    `<h2>Grey camera (infrared or monochrome): its own operating point</h2>
<p>The same ${gv.folds.reduce((a, f) => a + f.images, 0)} faces turned grey with the camera's luma (BT.601), every pair scored as above.
A door whose frames are grey uses the grey threshold written to the calibration file, <b>${g.chosen.threshold.toFixed(4)}</b> (the strictest any grey data here asks for FAR ${gv.operating.targetFar}: ${esc(g.chosen.from)}); without one, the stricter of the colour threshold and the factory grey one.</p>`,
    table(
      ['threshold', 'value', `FAR on grey pairs (${gv.pooled.impostorPairs} impostor)`, 'TAR on grey pairs', 'held-out TAR / FAR'],
      [
        [
          'colour (this calibration)',
          v.operating.threshold.toFixed(4),
          rate(g.colourThresholdOnGrey.far),
          pct(g.colourThresholdOnGrey.tar),
          '-',
        ],
        [
          `the grey pairs' own (for FAR ${gv.operating.targetFar})`,
          gv.operating.threshold.toFixed(4),
          rate(gv.operating.far),
          pct(gv.operating.tar),
          `${pct(gv.heldOutAtTarget.meanTar)} / ${rate(gv.heldOutAtTarget.meanFar)}`,
        ],
        ...(g.chosen.threshold === gv.operating.threshold
          ? []
          : [[`written to the calibration file (asked for by ${g.chosen.from})`, g.chosen.threshold.toFixed(4), '-', '-', '-']]),
      ],
    ),
    table(['faces', 'EER', 'TAR@1e-3', 'TAR@1e-4', 'TAR@1e-5', 'no face'], [summaryRow('colour', v), summaryRow('grey', gv)]),
  ];
  for (const s of g.sets) parts.push(...greySetHtml(s));
  return parts;
}

/** One grey dataset: the threshold its own pairs need, and FRR and FAR per condition at each threshold. */
function greySetHtml(s: NonNullable<CalibrationReport['grey']>['sets'][number]): string[] {
  const parts: string[] = [];
  parts.push(
    `<h3>${esc(s.name)}: ${s.people} people, ${s.images} grey images (${s.noFace} without a face), enrolled from ${esc(s.enrolledFrom)}</h3>`,
  );
  const own = s.ownOperatingPoint;
  parts.push(
    `<p>All its cross-identity pairs would need threshold ${own.threshold.toFixed(4)} for FAR ${own.far.toExponential(1)} (TAR ${pct(own.tar)})${own.resolvable ? '' : ': too few pairs to resolve that FAR'}.</p>`,
  );
  const rows = s.byThreshold[0]?.rows ?? [];
  parts.push(
    table(
      [
        'condition',
        'genuine probes',
        ...s.byThreshold.flatMap((t) => [`FRR at ${t.threshold} ${t.value.toFixed(4)}`, `FAR at ${t.threshold}`]),
        'impostor pairs',
      ],
      rows.map((row, i) => [
        row.condition,
        String(row.genuine),
        ...s.byThreshold.flatMap((t) => [pct(t.rows[i]?.frr ?? 0), rate(t.rows[i]?.far ?? 0)]),
        String(row.impostorPairs),
      ]),
    ),
  );
  return parts;
}
