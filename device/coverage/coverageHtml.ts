import { barList, escapeHtml as esc, heatmapSvg } from '../../common/svgPlots.js';
import type { CoverageReport } from './coverageReport.js';
import type { DriftFinding } from './drift.js';

/** The coverage page: heatmaps, FRR per bin, enrollment gaps and drift, one self-contained file without scripts. */
export function renderCoverageHtml(r: CoverageReport, drift: readonly DriftFinding[], generatedAt: string): string {
  const users = r.users
    .map(
      (u) =>
        `<tr><td>${esc(u.name)}</td>${Object.values(u.templates)
          .map((n) => `<td>${n}</td>`)
          .join('')}<td>${u.missing.length ? esc(`enroll: ${u.missing.join(', ')}`) : 'covered'}</td></tr>`,
    )
    .join('');
  const head = r.users[0] ? Object.keys(r.users[0].templates) : [];
  const frr = r.frrByBin.filter((b) => b.frr !== null);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>facelock coverage</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:16px}</style></head><body>
<h1>facelock coverage</h1>
<p>Last ${r.days} days: ${r.approaches} approaches, ${r.unlocks} unlocks. Generated ${esc(generatedAt)}. Cells: approaches / share rejected.</p>
<h2>Drift</h2>${drift.length ? `<ul>${drift.map((d) => `<li class="drift">${esc(d.warning)}</li>`).join('')}</ul>` : '<p>No drift.</p>'}
<div class="plots">
${heatmapSvg('Pose at the door', "yaw (degrees, + = subject's right)", 'pitch (degrees)', r.yawPitch.columns, r.yawPitch.rows, r.yawPitch.counts, r.yawPitch.rejectShare)}
${heatmapSvg('Face luminance by hour of day', 'hour', 'mean face luminance', r.lightByHour.columns, r.lightByHour.rows, r.lightByHour.counts, r.lightByHour.rejectShare)}
${barList(
  'FRR per condition bin (unlocks and rejects labelled genuine)',
  frr.map((b) => ({ label: `${b.condition}: ${b.bin}`, value: b.frr as number, note: `of ${b.genuine}` })),
  Math.max(0.05, ...frr.map((b) => b.frr as number)),
)}
</div>
<h2>Enrollment</h2><table><thead><tr><th>user</th>${head.map((h) => `<th>${esc(h)}</th>`).join('')}<th></th></tr></thead><tbody>${users}</tbody></table>
</body></html>
`;
}
