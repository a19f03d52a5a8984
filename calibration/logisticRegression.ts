/**
 * L2-regularised logistic regression with class weights, fitted by Newton's method (iteratively reweighted least
 * squares, the Hessian refreshed every few steps): a convex problem with one answer, so no learning rate, no seed and
 * no epochs to tune. Features are
 * standardised first (the mean and scale are part of the model). Sized for a few thousand samples of a few hundred
 * features: each step forms the d x d Hessian.
 */
import { type LinearModel, linearLogit } from '../model/liveness/texture/linearModel.js';

export interface FitOptions {
  /** L2 strength on the weights (not the bias), per sample: loss = mean weighted log loss + lambda/2 |w|^2. */
  readonly lambda: number;
  readonly maxIterations?: number;
  /**
   * Where to start: the standardised weights and bias of a model fitted on the same samples (another lambda): the
   * answer is the same, the iterations fewer.
   */
  readonly init?: { readonly weights: ArrayLike<number>; readonly bias: number };
}

function standardise(xs: readonly ArrayLike<number>[]): { mean: number[]; scale: number[] } {
  const d = xs[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[j] as number) / xs.length;
  for (const x of xs) for (let j = 0; j < d; j++) sq[j] = (sq[j] as number) + ((x[j] as number) - (mean[j] as number)) ** 2 / xs.length;
  // a feature constant over the training set (a pattern never seen) gets scale 1: its weight stays 0
  return { mean, scale: sq.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Factors a symmetric positive definite A (row-major d x d) in place into its Cholesky factor L (lower triangle). */
function choleskyFactor(a: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j] as number;
    for (let k = 0; k < j; k++) s -= (a[j * d + k] as number) ** 2;
    if (s <= 0) throw new RangeError('the Hessian is not positive definite: raise lambda');
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j] as number;
      for (let k = 0; k < j; k++) t -= (a[i * d + k] as number) * (a[j * d + k] as number);
      a[i * d + j] = t / l;
    }
  }
}

/** Solves L L^T x = b with the factor of choleskyFactor. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let t = b[i] as number;
    for (let k = 0; k < i; k++) t -= (a[i * d + k] as number) * (y[k] as number);
    y[i] = t / (a[i * d + i] as number);
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let t = y[i] as number;
    for (let k = i + 1; k < d; k++) t -= (a[k * d + i] as number) * (x[k] as number);
    x[i] = t / (a[i * d + i] as number);
  }
  return x;
}

/** Each class weighs half of the loss, whatever its count (label 1 = live). */
export function balancedWeights(labels: ArrayLike<number>): Float64Array {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i] === 1 ? 1 : 0;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) throw new RangeError('logistic regression needs samples of both classes');
  return Float64Array.from({ length: labels.length }, (_, i) => (labels[i] === 1 ? labels.length / (2 * pos) : labels.length / (2 * neg)));
}

/** Mean weighted log loss of a model on a labelled set. */
export function logLoss(m: LinearModel, xs: readonly ArrayLike<number>[], labels: ArrayLike<number>, w = balancedWeights(labels)): number {
  let loss = 0;
  xs.forEach((x, i) => {
    const z = linearLogit(m, x);
    // log(1 + e^-z) for label 1, log(1 + e^z) for 0, without overflow
    const t = labels[i] === 1 ? -z : z;
    loss += (w[i] as number) * (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
  });
  return loss / xs.length;
}

export function fitLogistic(xs: readonly ArrayLike<number>[], labels: ArrayLike<number>, o: FitOptions): LinearModel {
  const n = xs.length;
  if (n !== labels.length) throw new RangeError(`${n} feature vectors but ${labels.length} labels`);
  const { mean, scale } = standardise(xs);
  const d = mean.length + 1; // the last coordinate is the bias
  const z = xs.map((x) => {
    const r = new Float64Array(d);
    for (let j = 0; j < d - 1; j++) r[j] = ((x[j] as number) - (mean[j] as number)) / (scale[j] as number);
    r[d - 1] = 1;
    return r;
  });
  const sw = balancedWeights(labels);
  const beta = new Float64Array(d);
  if (o.init) {
    if (o.init.weights.length !== d - 1) throw new RangeError(`a start of ${o.init.weights.length} weights for ${d - 1} features`);
    beta.set(o.init.weights);
    beta[d - 1] = o.init.bias;
  }
  // Newton's method whose Hessian (the cost: n d^2 / 2 to form, d^3 / 3 to factor) is formed on the first steps and
  // every 4th after; the steps between reuse the last factor (the chord method). The loss is strictly convex: either
  // way the iteration ends at its one minimum, to the same tolerance.
  let factor: Float64Array | undefined;
  for (let it = 0; it < (o.maxIterations ?? 60); it++) {
    const fresh = factor === undefined || it < 3 || it % 4 === 0;
    const grad = new Float64Array(d);
    const hess = fresh ? new Float64Array(d * d) : undefined;
    for (let i = 0; i < n; i++) {
      const r = z[i] as Float64Array;
      let s = 0;
      for (let j = 0; j < d; j++) s += (r[j] as number) * (beta[j] as number);
      const p = 1 / (1 + Math.exp(-s));
      const wi = sw[i] as number;
      const g = wi * (p - (labels[i] === 1 ? 1 : 0));
      for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + g * (r[j] as number);
      if (!hess) continue;
      const h = wi * p * (1 - p);
      for (let j = 0; j < d; j++) {
        const rj = r[j] as number;
        if (rj === 0) continue;
        const hr = h * rj;
        const row = j * d;
        for (let k = 0; k <= j; k++) hess[row + k] = (hess[row + k] as number) + hr * (r[k] as number);
      }
    }
    for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) / n + (j < d - 1 ? o.lambda * (beta[j] as number) : 0);
    if (hess) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k <= j; k++) {
          const v = (hess[j * d + k] as number) / n + (j === k ? (j < d - 1 ? o.lambda : 1e-9) : 0);
          hess[j * d + k] = v;
          hess[k * d + j] = v;
        }
      }
      choleskyFactor(hess, d);
      factor = hess;
    }
    const step = choleskySolve(factor as Float64Array, grad, d);
    let size = 0;
    for (let j = 0; j < d; j++) {
      beta[j] = (beta[j] as number) - (step[j] as number);
      size = Math.max(size, Math.abs(step[j] as number));
    }
    if (size < 1e-7) break;
  }
  return { mean, scale, weights: [...beta.subarray(0, d - 1)], bias: beta[d - 1] as number };
}
