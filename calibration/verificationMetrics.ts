/**
 * Verification metrics on genuine (same identity) and impostor (different identity) similarity scores. A pair
 * whose face was not found has the score -Infinity: it is a reject, counted in the denominator.
 */

export interface OperatingPoint {
  /** Accept when score > threshold. */
  readonly threshold: number;
  readonly tar: number;
  readonly far: number;
  /** False when the impostor count is too small to measure this FAR (fewer than 1/far impostor pairs). */
  readonly resolvable: boolean;
}

export function sortedDescending(scores: ArrayLike<number>): Float64Array {
  return Float64Array.from(scores).sort().reverse();
}

/** Number of values in a descending array strictly greater than t (binary search). */
export function countAbove(desc: Float64Array, t: number): number {
  let lo = 0;
  let hi = desc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((desc[mid] ?? Number.NEGATIVE_INFINITY) > t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The operating point with the highest TAR whose FAR does not exceed `targetFar`: the threshold is the
 * (k+1)-th highest impostor score, k = floor(targetFar * impostors), and only scores strictly above it accept.
 */
export function tarAtFar(genuine: ArrayLike<number>, impostor: ArrayLike<number>, targetFar: number): OperatingPoint {
  const imp = sortedDescending(impostor);
  const gen = sortedDescending(genuine);
  return tarAtFarSorted(gen, imp, targetFar);
}

export function tarAtFarSorted(genDesc: Float64Array, impDesc: Float64Array, targetFar: number): OperatingPoint {
  const n = impDesc.length;
  if (n === 0 || genDesc.length === 0) throw new Error('tarAtFar needs genuine and impostor scores');
  const k = Math.floor(targetFar * n);
  const threshold = k >= n ? Number.NEGATIVE_INFINITY : (impDesc[k] ?? Number.NEGATIVE_INFINITY);
  const falseAccepts = countAbove(impDesc, threshold);
  return {
    threshold,
    tar: countAbove(genDesc, threshold) / genDesc.length,
    far: falseAccepts / n,
    resolvable: n * targetFar >= 1,
  };
}

/** ROC AUC as the Mann-Whitney statistic: P(genuine > impostor) + 0.5 P(tie). */
export function rocAuc(genuine: ArrayLike<number>, impostor: ArrayLike<number>): number {
  const imp = Float64Array.from(impostor).sort();
  if (imp.length === 0 || genuine.length === 0) throw new Error('rocAuc needs genuine and impostor scores');
  let sum = 0;
  for (let i = 0; i < genuine.length; i++) {
    const g = genuine[i] ?? Number.NEGATIVE_INFINITY;
    const below = lowerBound(imp, g);
    const notAbove = upperBound(imp, g);
    sum += below + 0.5 * (notAbove - below);
  }
  return sum / (genuine.length * imp.length);
}

function lowerBound(asc: Float64Array, v: number): number {
  let lo = 0;
  let hi = asc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((asc[mid] ?? 0) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(asc: Float64Array, v: number): number {
  let lo = 0;
  let hi = asc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((asc[mid] ?? 0) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Equal error rate: the point where FAR (impostor > t) and FRR (genuine <= t) cross, over every observed
 * threshold; returns their mean at the threshold where they are closest.
 */
export function equalErrorRate(genuine: ArrayLike<number>, impostor: ArrayLike<number>): { eer: number; threshold: number } {
  const gen = sortedDescending(genuine);
  const imp = sortedDescending(impostor);
  if (gen.length === 0 || imp.length === 0) throw new Error('equalErrorRate needs genuine and impostor scores');
  const candidates = Float64Array.from([...gen, ...imp]).sort();
  let best = { gap: Number.POSITIVE_INFINITY, eer: 1, threshold: 0 };
  for (const t of candidates) {
    const far = countAbove(imp, t) / imp.length;
    const frr = 1 - countAbove(gen, t) / gen.length;
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, eer: (far + frr) / 2, threshold: t };
  }
  return { eer: best.eer, threshold: best.threshold };
}
