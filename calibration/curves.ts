import { countAbove, sortedDescending } from './verificationMetrics.js';

/** One point of a ROC or DET curve at a threshold: accept when score > threshold. */
export interface CurvePoint {
  readonly threshold: number;
  readonly far: number;
  readonly frr: number;
}

/**
 * The error trade-off at thresholds spread evenly in log-FAR (from 1/impostors up to 1), plus the ends: enough points
 * to draw ROC (TAR = 1 - FRR against FAR) and DET (FRR against FAR) curves without shipping every score.
 */
export function errorCurve(genuine: ArrayLike<number>, impostor: ArrayLike<number>, points = 120): CurvePoint[] {
  const gen = sortedDescending(genuine);
  const imp = sortedDescending(impostor);
  if (gen.length === 0 || imp.length === 0) return [];
  const out: CurvePoint[] = [];
  const minLog = Math.log10(1 / imp.length);
  let lastK = -1;
  for (let i = 0; i <= points; i++) {
    const far = 10 ** (minLog + (-minLog * i) / points);
    // k impostors above the threshold allowed, from none (the highest impostor is the threshold) to all but one
    const k = Math.min(imp.length - 1, Math.max(0, Math.round(far * imp.length) - 1));
    if (k === lastK) continue;
    lastK = k;
    const threshold = imp[k] ?? Number.NEGATIVE_INFINITY;
    out.push({
      threshold,
      far: countAbove(imp, threshold) / imp.length,
      frr: 1 - countAbove(gen, threshold) / gen.length,
    });
  }
  return out;
}

/** Histogram of finite scores in `bins` equal bins over [lo, hi]; counts normalised to fractions of all scores. */
export function scoreHistogram(scores: ArrayLike<number>, lo: number, hi: number, bins = 50): number[] {
  const h = new Array<number>(bins).fill(0);
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? Number.NaN;
    n++;
    if (!Number.isFinite(s)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((s - lo) / (hi - lo)) * bins)));
    h[b] = (h[b] ?? 0) + 1;
  }
  return h.map((c) => (n === 0 ? 0 : c / n));
}
