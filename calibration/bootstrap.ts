import { seededRandom } from '../common/seededRandom.js';

/** Weighted scores, sorted descending: a bootstrap replicate is the same scores with Poisson(1) weights. */
export interface Weighted {
  readonly desc: Float64Array;
  readonly weights: Uint8Array;
  readonly total: number;
}

// Poisson(1) inverse CDF: P(X <= k) for k = 0..7 (the tail beyond 7 is below 1e-5 and counted as 8)
const POISSON_CDF = [0.36788, 0.73576, 0.9197, 0.98101, 0.99634, 0.99941, 0.99992, 0.99999];

function poissonWeights(n: number, random: () => number, out: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const u = random();
    let k = 0;
    while (k < POISSON_CDF.length && u > (POISSON_CDF[k] ?? 1)) k++;
    out[i] = k;
    total += k;
  }
  return total;
}

/** Weight of the scores strictly above t (desc array, scanning from the top). */
function weightAbove(w: Weighted, t: number): number {
  let s = 0;
  for (let i = 0; i < w.desc.length && (w.desc[i] ?? Number.NEGATIVE_INFINITY) > t; i++) s += w.weights[i] ?? 0;
  return s;
}

/** TAR at a target FAR for weighted scores, mirroring `tarAtFar`: the threshold lets at most floor(far * W) impostor weight through. */
export function weightedTarAtFar(gen: Weighted, imp: Weighted, targetFar: number): number {
  const allowed = Math.floor(targetFar * imp.total);
  let cum = 0;
  let threshold = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < imp.desc.length; i++) {
    cum += imp.weights[i] ?? 0;
    if (cum > allowed) {
      threshold = imp.desc[i] ?? Number.NEGATIVE_INFINITY;
      break;
    }
  }
  return gen.total === 0 ? Number.NaN : weightAbove(gen, threshold) / gen.total;
}

/** Equal error rate of weighted scores: one merged walk down both sorted lists. */
export function weightedEer(gen: Weighted, imp: Weighted): number {
  let gi = 0;
  let ii = 0;
  let genAbove = 0;
  let impAbove = 0;
  let best = { gap: Number.POSITIVE_INFINITY, eer: 1 };
  while (gi < gen.desc.length || ii < imp.desc.length) {
    const g = gen.desc[gi] ?? Number.NEGATIVE_INFINITY;
    const m = imp.desc[ii] ?? Number.NEGATIVE_INFINITY;
    const v = Math.max(gi < gen.desc.length ? g : Number.NEGATIVE_INFINITY, ii < imp.desc.length ? m : Number.NEGATIVE_INFINITY);
    // rates at threshold v: everything strictly above v is accepted
    const far = impAbove / imp.total;
    const frr = 1 - genAbove / gen.total;
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, eer: (far + frr) / 2 };
    while (gi < gen.desc.length && gen.desc[gi] === v) genAbove += gen.weights[gi++] ?? 0;
    while (ii < imp.desc.length && imp.desc[ii] === v) impAbove += imp.weights[ii++] ?? 0;
    if (v === Number.NEGATIVE_INFINITY) break;
  }
  return best.eer;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
  readonly replicates: number;
}

export type BootstrapStatistics = Record<string, (gen: Weighted, imp: Weighted) => number>;

/**
 * Percentile confidence intervals (95%) of several statistics by the Poisson bootstrap over pairs: each replicate
 * weights every score by a Poisson(1) draw, which needs no re-sorting. Seeded: the same seed gives the same intervals.
 * Pairs share images and identities, so these intervals are narrower than identity-level ones would be.
 */
export function bootstrapIntervals(
  genDesc: Float64Array,
  impDesc: Float64Array,
  stats: BootstrapStatistics,
  options: { replicates: number; seed: number },
): Record<string, Interval> {
  const random = seededRandom(options.seed);
  const gw = new Uint8Array(genDesc.length);
  const iw = new Uint8Array(impDesc.length);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(stats).map((k) => [k, []]));
  for (let r = 0; r < options.replicates; r++) {
    const gen = { desc: genDesc, weights: gw, total: poissonWeights(genDesc.length, random, gw) };
    const imp = { desc: impDesc, weights: iw, total: poissonWeights(impDesc.length, random, iw) };
    for (const [name, f] of Object.entries(stats)) samples[name]?.push(f(gen, imp));
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))] ?? Number.NaN;
      return [name, { low: at(0.025), high: at(0.975), replicates: s.length }];
    }),
  );
}
