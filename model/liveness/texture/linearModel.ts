/** A linear classifier on standardised features (fitted by training/liveness/logisticRegression.ts). */
export interface LinearModel {
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
}

/** The logit of one feature vector: higher = the positive class (live). */
export function linearLogit(m: LinearModel, x: ArrayLike<number>): number {
  let z = m.bias;
  for (let j = 0; j < m.weights.length; j++)
    z += (m.weights[j] as number) * (((x[j] as number) - (m.mean[j] as number)) / (m.scale[j] as number));
  return z;
}
