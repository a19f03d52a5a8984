import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/seededRandom.js';
import { linearLogit } from '../model/liveness/texture/linearModel.js';
import { balancedWeights, fitLogistic, logLoss } from './logisticRegression.js';

/** Two overlapping Gaussian classes in 3-D; the third feature is noise, and class 1 is the rarer one. */
function data(n: number, seed: number) {
  const r = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = r() < 0.3 ? 1 : 0;
    xs.push([gauss() + (y ? 1.5 : 0), 10 * (gauss() - (y ? 0.5 : 0)) + 50, gauss()]);
    ys.push(y);
  }
  return { xs, ys: Uint8Array.from(ys) };
}

describe('logistic regression by Newton steps', () => {
  it('reaches the optimum: the regularised loss grows along every direction', () => {
    const { xs, ys } = data(400, 1);
    const lambda = 0.01;
    const m = fitLogistic(xs, ys, { lambda });
    const objective = (w: readonly number[], b: number) =>
      logLoss({ ...m, weights: w, bias: b }, xs, ys) + (lambda / 2) * w.reduce((s, v) => s + v * v, 0);
    const best = objective(m.weights, m.bias);
    for (let j = 0; j <= m.weights.length; j++) {
      for (const step of [-1e-3, 1e-3]) {
        const w = [...m.weights];
        if (j < w.length) w[j] = (w[j] as number) + step;
        expect(objective(w, j === w.length ? m.bias + step : m.bias)).toBeGreaterThan(best);
      }
    }
    // the informative features point to class 1, the noise feature barely counts
    expect(m.weights[0]).toBeGreaterThan(0.5);
    expect(m.weights[1]).toBeLessThan(-0.2);
    expect(Math.abs(m.weights[2] as number)).toBeLessThan(Math.abs(m.weights[0] as number) / 3);
  });

  it('generalises: held-out loss is far below chance, and stronger L2 shrinks the weights', () => {
    const train = data(400, 2);
    const test = data(400, 3);
    const loose = fitLogistic(train.xs, train.ys, { lambda: 1e-3 });
    const tight = fitLogistic(train.xs, train.ys, { lambda: 10 });
    expect(logLoss(loose, test.xs, test.ys)).toBeLessThan(0.5 * Math.log(2) * 2 * 0.8);
    const norm = (w: readonly number[]) => Math.hypot(...w);
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights) / 3);
    // a constant feature (a pattern the training set never shows) gets no weight and no division by zero
    const withConstant = fitLogistic(
      train.xs.map((x) => [...x, 7]),
      train.ys,
      { lambda: 1e-3 },
    );
    expect(withConstant.weights[3]).toBeCloseTo(0, 9);
    expect(Number.isFinite(linearLogit(withConstant, [0, 50, 0, 3]))).toBe(true);
  });

  it('weighs each class half whatever its count, and refuses a set of one class', () => {
    const w = balancedWeights(Uint8Array.from([1, 0, 0, 0]));
    expect(w[0]).toBeCloseTo(2);
    expect(w[1]).toBeCloseTo(2 / 3);
    expect(() => fitLogistic([[1], [2]], Uint8Array.from([1, 1]), { lambda: 0.1 })).toThrow(/both classes/);
    expect(() => fitLogistic([[1], [2]], Uint8Array.from([1]), { lambda: 0.1 })).toThrow(/2 feature vectors but 1 labels/);
  });
});
