import type { AttemptRow } from '../store/auditLog.js';

/**
 * Population stability index of a recent sample against a reference one, over bins cut at the reference's deciles:
 * sum (r - q) ln(r / q). Below 0.1 stable, 0.1-0.25 moving, above 0.25 shifted (the usual reading).
 */
export function psi(reference: readonly number[], recent: readonly number[], bins = 10): number {
  if (reference.length === 0 || recent.length === 0) return Number.NaN;
  const sorted = [...reference].sort((a, b) => a - b);
  const cuts = [...new Set(Array.from({ length: bins - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)] as number))];
  const share = (xs: readonly number[]) => {
    const counts = new Array<number>(cuts.length + 1).fill(0);
    for (const x of xs) {
      let b = 0;
      while (b < cuts.length && x >= (cuts[b] as number)) b++;
      counts[b] = (counts[b] as number) + 1;
    }
    return counts.map((c) => Math.max(c / xs.length, 1e-4)); // an empty bin is 0.01%, not a division by zero
  };
  const q = share(reference);
  const r = share(recent);
  return r.reduce((s, ri, i) => s + (ri - (q[i] as number)) * Math.log(ri / (q[i] as number)), 0);
}

export interface DriftOptions {
  /** The recent window, ending now. */
  readonly recentDays: number;
  /** The reference window, just before the recent one. */
  readonly referenceDays: number;
  /** PSI at or above which a warning is raised. */
  readonly psiWarn: number;
  /** Fewer approaches than this in either window: no verdict. */
  readonly minSamples: number;
  /** A rise of the reject share by this much (0.1 = 10 points) is a warning too. */
  readonly rejectRise: number;
}

export interface DriftFinding {
  readonly scope: string;
  readonly measure: string;
  readonly psi?: number;
  readonly reference: number;
  readonly recent: number;
  readonly warning: string;
}

const DAY = 86_400_000;

/**
 * Drift of the door's conditions and of each user's match scores: the recent window against the reference window
 * before it. Each finding says what moved and what to do about it.
 */
export function findDrift(rows: readonly AttemptRow[], now: number, o: DriftOptions): DriftFinding[] {
  const t = (r: AttemptRow) => Date.parse(r.at);
  const recent = rows.filter((r) => t(r) > now - o.recentDays * DAY);
  const reference = rows.filter((r) => t(r) <= now - o.recentDays * DAY && t(r) > now - (o.recentDays + o.referenceDays) * DAY);
  const out: DriftFinding[] = [];
  const values = (rs: readonly AttemptRow[], f: (r: AttemptRow) => number | null) => rs.map(f).filter((v): v is number => v !== null);
  // PSI alone flags tiny shifts of narrow distributions (a yaw moving 0.1 degree): a shift must also matter
  const check = (scope: string, measure: string, a: number[], b: number[], advice: string, minShift: number) => {
    if (a.length < o.minSamples || b.length < o.minSamples) return;
    const p = psi(a, b);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    if (p >= o.psiWarn && Math.abs(mean(b) - mean(a)) >= minShift)
      out.push({
        scope,
        measure,
        psi: p,
        reference: mean(a),
        recent: mean(b),
        warning: `${scope}: ${measure} drifted (PSI ${p.toFixed(2)}, mean ${mean(a).toFixed(1)} -> ${mean(b).toFixed(1)}): ${advice}`,
      });
  };
  const measures = [
    {
      measure: 'face luminance',
      pick: (r: AttemptRow) => r.luminance,
      minShift: 10,
      advice: 're-enroll users in the new light, or add light at the door',
    },
    {
      measure: 'yaw',
      pick: (r: AttemptRow) => r.yaw,
      minShift: 5,
      advice: 'the camera or the way people approach changed: check its mounting, re-enroll in the new pose',
    },
  ];
  for (const m of measures) check('door', m.measure, values(reference, m.pick), values(recent, m.pick), m.advice, m.minShift);
  if (reference.length >= o.minSamples && recent.length >= o.minSamples) {
    const share = (rs: readonly AttemptRow[]) => rs.filter((r) => r.outcome === 'reject').length / rs.length;
    const [a, b] = [share(reference), share(recent)];
    if (b - a >= o.rejectRise)
      out.push({
        scope: 'door',
        measure: 'reject share',
        reference: a,
        recent: b,
        warning: `door: rejects rose from ${(100 * a).toFixed(0)}% to ${(100 * b).toFixed(0)}% of approaches: see facelock coverage for the conditions`,
      });
  }
  const users = new Set(rows.filter((r) => r.outcome === 'unlock' && r.userName).map((r) => r.userName as string));
  for (const u of users) {
    const scores = (rs: readonly AttemptRow[]) =>
      values(
        rs.filter((r) => r.userName === u && r.outcome === 'unlock'),
        (r) => r.score,
      );
    check(
      u,
      'match score',
      scores(reference),
      scores(recent),
      `re-enroll ${u} (facelock enroll add ${u} --images ... or in front of the camera)`,
      0.005,
    );
  }
  return out;
}
