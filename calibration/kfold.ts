import { countAbove, equalErrorRate, sortedDescending, tarAtFarSorted } from './verificationMetrics.js';

/** The scores of one identity-disjoint fold. */
export interface FoldScores {
  readonly fold: number;
  /** Official pairs of the fold (balanced, as pairs.txt lists them). */
  readonly pairGenuine: Float64Array;
  readonly pairImpostor: Float64Array;
  /** Every same-identity and every cross-identity pair of the fold's images. */
  readonly genuine: Float64Array;
  readonly impostor: Float64Array;
}

export interface HeldOutResult {
  readonly fold: number;
  /** Chosen on the other folds only. */
  readonly threshold: number;
  readonly value: number;
}

/** The threshold with the best accuracy on balanced pairs (accept when score > threshold). */
export function bestAccuracyThreshold(genuine: ArrayLike<number>, impostor: ArrayLike<number>): number {
  const gen = sortedDescending(genuine);
  const imp = sortedDescending(impostor);
  const candidates = Float64Array.from([...gen, ...imp].filter(Number.isFinite)).sort();
  let best = { acc: -1, t: 0 };
  for (const t of candidates) {
    const acc = accuracy(gen, imp, t);
    if (acc > best.acc) best = { acc, t };
  }
  return best.t;
}

export function accuracy(genDesc: Float64Array, impDesc: Float64Array, t: number): number {
  return (countAbove(genDesc, t) + impDesc.length - countAbove(impDesc, t)) / (genDesc.length + impDesc.length);
}

/** One array of the scores of several folds. */
export function concatScores(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/**
 * The LFW protocol: for each fold, the accuracy threshold is chosen on the official pairs of the OTHER folds and
 * the accuracy measured on this fold's pairs. `choose` receives only the other folds, so it cannot see the evaluated one.
 */
export function heldOutAccuracy(folds: readonly FoldScores[], choose = bestAccuracyThreshold): HeldOutResult[] {
  if (folds.length < 2) throw new Error('k-fold evaluation needs at least 2 folds');
  return folds.map((f) => {
    const others = folds.filter((o) => o !== f);
    const t = choose(concatScores(others.map((o) => o.pairGenuine)), concatScores(others.map((o) => o.pairImpostor)));
    return { fold: f.fold, threshold: t, value: accuracy(sortedDescending(f.pairGenuine), sortedDescending(f.pairImpostor), t) };
  });
}

export interface HeldOutOperatingPoint {
  readonly fold: number;
  readonly threshold: number;
  readonly tar: number;
  readonly far: number;
}

/**
 * Threshold for a target FAR chosen on the impostors of the other folds (all cross-identity pairs), then TAR and
 * FAR measured on this fold: what the owner would see with a threshold calibrated on other people.
 */
export function heldOutAtFar(folds: readonly FoldScores[], targetFar: number): HeldOutOperatingPoint[] {
  if (folds.length < 2) throw new Error('k-fold evaluation needs at least 2 folds');
  return folds.map((f) => {
    const others = folds.filter((o) => o !== f);
    const { threshold } = tarAtFarSorted(
      sortedDescending(concatScores(others.map((o) => o.genuine))),
      sortedDescending(concatScores(others.map((o) => o.impostor))),
      targetFar,
    );
    const gen = sortedDescending(f.genuine);
    const imp = sortedDescending(f.impostor);
    return { fold: f.fold, threshold, tar: countAbove(gen, threshold) / gen.length, far: countAbove(imp, threshold) / imp.length };
  });
}

export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std };
}

/** The equal-error threshold of some scores (the centre of temperature scaling). */
export function equalErrorRateOf(genuine: Float64Array, impostor: Float64Array): number {
  return equalErrorRate(genuine, impostor).threshold;
}
