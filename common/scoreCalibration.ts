/**
 * Score calibration: a map from a similarity score to the probability that the pair is the same person, fitted on
 * balanced calibration pairs (prior 0.5) and judged on held-out pairs by expected calibration error.
 */
export type ProbabilityModel =
  | { readonly method: 'platt'; readonly a: number; readonly b: number }
  | { readonly method: 'temperature'; readonly centre: number; readonly temperature: number };

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function probability(model: ProbabilityModel, score: number): number {
  if (!Number.isFinite(score)) return score > 0 ? 1 : 0;
  return model.method === 'platt' ? sigmoid(model.a * score + model.b) : sigmoid((score - model.centre) / model.temperature);
}

interface Labelled {
  readonly scores: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
}

/** Finite scores with their targets (1 and 0, or Platt's smoothed targets). */
function finite(genuine: ArrayLike<number>, impostor: ArrayLike<number>, targets: readonly [number, number] = [1, 0]): Labelled {
  const scores: number[] = [];
  const labels: number[] = [];
  const add = (values: ArrayLike<number>, label: number) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      scores.push(v);
      labels.push(label);
    }
  };
  add(genuine, targets[0]);
  add(impostor, targets[1]);
  return { scores, labels };
}

/** Mean negative log-likelihood (cross-entropy) of labels, or soft targets, under probabilities p(score). */
export function negLogLikelihood(p: (s: number) => number, data: Labelled): number {
  let nll = 0;
  for (let i = 0; i < data.scores.length; i++) {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p(data.scores[i] as number)));
    const y = data.labels[i] as number;
    nll -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
  }
  return nll / Math.max(1, data.scores.length);
}

/** Platt scaling: logistic regression p = sigmoid(a s + b) by Newton's method, with Platt's smoothed targets. */
export function fitPlatt(genuine: ArrayLike<number>, impostor: ArrayLike<number>): ProbabilityModel {
  const d = finite(genuine, impostor);
  const nPos = genuine.length;
  const nNeg = impostor.length;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 1e-9;
    let h01 = 0;
    let h11 = 1e-9;
    for (let i = 0; i < d.scores.length; i++) {
      const s = d.scores[i] as number;
      const t = d.labels[i] === 1 ? hi : lo;
      const p = sigmoid(a * s + b);
      const w = p * (1 - p);
      g0 += (p - t) * s;
      g1 += p - t;
      h00 += w * s * s;
      h01 += w * s;
      h11 += w;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(Math.abs(det) > 0)) break;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { method: 'platt', a, b };
}

/**
 * Temperature scaling around a fixed centre (the equal-error threshold of the calibration folds): one parameter,
 * p = sigmoid((s - centre) / T), T chosen by golden-section search on the log-likelihood.
 */
export function fitTemperature(
  genuine: ArrayLike<number>,
  impostor: ArrayLike<number>,
  centre: number,
  /** Platt's targets (n+1)/(n+2) and 1/(n+2): on data a model separates perfectly, T then stays finite. */
  smoothTargets = false,
): ProbabilityModel {
  const d = finite(genuine, impostor, smoothTargets ? [(genuine.length + 1) / (genuine.length + 2), 1 / (impostor.length + 2)] : [1, 0]);
  const nll = (logT: number) => negLogLikelihood((s) => sigmoid((s - centre) / Math.exp(logT)), d);
  let lo = Math.log(1e-4);
  let hi = Math.log(100);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const m1 = hi - phi * (hi - lo);
    const m2 = lo + phi * (hi - lo);
    if (nll(m1) < nll(m2)) hi = m2;
    else lo = m1;
  }
  return { method: 'temperature', centre, temperature: Math.exp((lo + hi) / 2) };
}

export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

/** A predicted probability and what the pair was (1 = same person). */
export interface Prediction {
  readonly p: number;
  readonly y: number;
}

export function predictions(model: ProbabilityModel, genuine: ArrayLike<number>, impostor: ArrayLike<number>): Prediction[] {
  const d = finite(genuine, impostor);
  return Array.from({ length: d.scores.length }, (_, i) => ({ p: probability(model, d.scores[i] as number), y: d.labels[i] as number }));
}

/** Reliability diagram bins, the expected calibration error (count-weighted gap between confidence and frequency) and the NLL. */
export function reliability(preds: readonly Prediction[], bins = 10): { bins: ReliabilityBin[]; ece: number; nll: number } {
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, y: 0 }));
  let nll = 0;
  for (const { p, y } of preds) {
    const b = sums[Math.min(bins - 1, Math.floor(p * bins))];
    if (b) {
      b.n++;
      b.p += p;
      b.y += y;
    }
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
    nll -= y === 1 ? Math.log(q) : Math.log(1 - q);
  }
  const total = preds.length;
  let ece = 0;
  const out = sums.map((s, i) => {
    if (s.n > 0) ece += (s.n / total) * Math.abs(s.p / s.n - s.y / s.n);
    return {
      lower: i / bins,
      upper: (i + 1) / bins,
      count: s.n,
      meanPredicted: s.n ? s.p / s.n : Number.NaN,
      observed: s.n ? s.y / s.n : Number.NaN,
    };
  });
  return { bins: out, ece, nll: nll / Math.max(1, total) };
}
