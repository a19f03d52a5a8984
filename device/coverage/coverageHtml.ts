import { countText } from '../../common/countText.js';
import { escapeHtml as esc } from '../../common/escapeHtml.js';
import { barList, heatmap } from '../../common/plots/plotPlaces.js';
import { renderPlotsIn } from '../../common/plots/renderPlots.js';
import type { CoverageReport } from './coverageReport.js';
import type { DriftFinding } from './drift.js';

/** The coverage page: heatmaps, FRR per bin, enrollment gaps and drift, one self-contained file without scripts. */
export async function renderCoverageHtml(
  r: CoverageReport,
  drift: readonly DriftFinding[],
  generatedAt: string,
  alarms: readonly { at: string; detail: string }[] = [],
): Promise<string> {
  const users = r.users
    .map(
      (u) =>
        `<tr><td>${esc(u.name)}</td>${Object.values(u.templates)
          .map((n) => `<td>${n}</td>`)
          .join('')}<td>${enrollGaps(u) ? esc(`enroll: ${enrollGaps(u)}`) : 'covered'}</td></tr>`,
    )
    .join('');
  const head = r.users[0] ? Object.keys(r.users[0].templates) : [];
  const frr = r.frrByBin.filter((b) => b.frr !== null);
  return renderPlotsIn(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>facelock coverage</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}figure.plot{margin:0}</style></head><body>
<h1>facelock coverage</h1>
<p>Last ${r.days} days: ${countText(r.approaches, 'approach', 'approaches')}, ${countText(r.unlocks, 'unlock', 'unlocks')}. Generated ${esc(generatedAt)}. Cells: approaches / share rejected.</p>
<h2>Alarms</h2>${alarmSection(alarms)}
<h2>Drift</h2>${drift.length ? `<ul>${drift.map((d) => `<li class="drift">${esc(d.warning)}</li>`).join('')}</ul>` : '<p>No drift.</p>'}
<div class="plots">
${heatmap('Pose at the door', "yaw (degrees, + = subject's right)", 'pitch (degrees)', r.yawPitch.columns, r.yawPitch.rows, r.yawPitch.counts, r.yawPitch.rejectShare)}
${heatmap('Face luminance by hour of day', 'hour', 'mean face luminance', r.lightByHour.columns, r.lightByHour.rows, r.lightByHour.counts, r.lightByHour.rejectShare)}
${barList(
  'FRR per condition bin (unlocks and rejects labelled genuine)',
  frr.map((b) => ({ label: `${b.condition}: ${b.bin}`, value: b.frr as number, note: `of ${b.genuine}` })),
  Math.max(0.05, ...frr.map((b) => b.frr as number)),
)}
</div>
<h2>Enrollment</h2><table><thead><tr><th>user</th>${head.map((h) => `<th>${esc(h)}</th>`).join('')}<th></th></tr></thead><tbody>${users}</tbody></table>
</body></html>
`);
}

/** The door's alarms in the window: how often each was raised, and the latest raises and clears. */
function alarmSection(alarms: readonly { at: string; detail: string }[]): string {
  if (alarms.length === 0) return '<p>No alarms.</p>';
  const raised = new Map<string, number>();
  for (const a of alarms) {
    const m = /^(\w+) raised/.exec(a.detail);
    if (m?.[1]) raised.set(m[1], (raised.get(m[1]) ?? 0) + 1);
  }
  const counts = [...raised].map(([k, n]) => `${esc(k.replace('_', ' '))}: ${n}`).join(', ');
  const latest = alarms
    .slice(-20)
    .reverse()
    .map((a) => `<tr class="alarm"><td>${esc(a.at)}</td><td>${esc(a.detail)}</td></tr>`)
    .join('');
  return `<p>Raised: ${counts || 'none'}.</p><table><tbody>${latest}</tbody></table>`;
}

/** A user's enrollment gaps: pose bins, then camera modes the door sees that they have no template of. */
function enrollGaps(u: CoverageReport['users'][number]): string {
  return [...u.missing, ...u.missingModes.map((m) => `${m} camera mode`)].join(', ');
}
