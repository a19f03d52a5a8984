import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { seededRandom } from '../../common/seededRandom.js';
import { selectBackend } from '../../model/backend.js';
import { averagePool2, batchNormTrain, conv3x3 } from '../../model/liveness/passive/passiveNet.js';
import { l2Penalty, weightedLogisticLoss } from './passiveLoss.js';
import './registerGradients.js';

/**
 * Two-sided finite differences, (f(x + h e_i) - f(x - h e_i)) / 2h, against tfjs's gradient of f at x, for every
 * element. float32 limits the agreement to about 1e-3 relative; a wrong gradient is off by far more.
 */
function gradientCheck(f: (x: tf.Tensor) => tf.Scalar, x0: tf.Tensor, h = 1e-2): { maxRelError: number; analytic: number[] } {
  const analytic = Array.from(tf.tidy(() => tf.grad(f)(x0)).dataSync());
  const base = Array.from(x0.dataSync());
  let maxRelError = 0;
  for (let i = 0; i < base.length; i++) {
    const at = (d: number) =>
      tf.tidy(() => {
        const v = [...base];
        v[i] = (v[i] as number) + d;
        return f(tf.tensor(v, x0.shape)).dataSync()[0] as number;
      });
    const numeric = (at(h) - at(-h)) / (2 * h);
    const a = analytic[i] as number;
    maxRelError = Math.max(maxRelError, Math.abs(numeric - a) / Math.max(1e-2, Math.abs(numeric) + Math.abs(a)));
  }
  return { maxRelError, analytic };
}

const random = seededRandom(3);
const values = (n: number, scale = 1) => Array.from({ length: n }, () => scale * (2 * random() - 1));

describe('gradients of the passive net’s loss and custom layers (numerical check)', () => {
  beforeAll(async () => {
    await selectBackend('auto', silentLogger);
  });

  it('class-weighted logistic loss, with respect to the logits', () => {
    const labels = tf.tensor2d([1, 0, 1, 0, 1, 1], [6, 1]);
    const weights = tf.tensor2d([2, 0.5, 2, 0.5, 1, 3], [6, 1]);
    const r = gradientCheck((z) => weightedLogisticLoss(z, labels, weights), tf.tensor2d(values(6, 3), [6, 1]));
    expect(r.maxRelError).toBeLessThan(1e-2);
    expect(r.analytic.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });

  it('L2 weight decay', () => {
    const r = gradientCheck((w) => l2Penalty([w], 0.3), tf.tensor2d(values(12), [3, 4]));
    expect(r.maxRelError).toBeLessThan(1e-2);
  });

  it('the im2col 3x3 convolution, with respect to its input and its kernel, and it equals tf.conv2d', () => {
    const x = tf.tensor4d(values(2 * 4 * 4 * 2), [2, 4, 4, 2]);
    const k = tf.tensor2d(values(9 * 2 * 3), [18, 3]);
    const mix = tf.tensor4d(values(2 * 4 * 4 * 3), [2, 4, 4, 3]);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b as tf.Tensor2D), mix)) as tf.Scalar;
    expect(gradientCheck((v) => loss(v, k), x).maxRelError).toBeLessThan(1e-2);
    expect(gradientCheck((v) => loss(x, v), k).maxRelError).toBeLessThan(1e-2);
    const reference = tf.conv2d(x, tf.reshape(k, [3, 3, 2, 3]) as tf.Tensor4D, 1, 'same');
    expect(tf.max(tf.abs(tf.sub(reference, conv3x3(x, k)))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('batch normalisation (batch statistics), with respect to its input and its scale', () => {
    const x = tf.tensor4d(values(3 * 2 * 2 * 2, 2), [3, 2, 2, 2]);
    const gamma = tf.tensor1d([1.5, 0.7]);
    const beta = tf.tensor1d([0.1, -0.2]);
    const mix = tf.tensor4d(values(3 * 2 * 2 * 2), [3, 2, 2, 2]);
    expect(
      gradientCheck((v) => tf.sum(tf.mul(batchNormTrain(v as tf.Tensor4D, gamma, beta).y, mix)) as tf.Scalar, x).maxRelError,
    ).toBeLessThan(2e-2);
    expect(
      gradientCheck((g) => tf.sum(tf.mul(batchNormTrain(x, g as tf.Tensor1D, beta).y, mix)) as tf.Scalar, gamma).maxRelError,
    ).toBeLessThan(1e-2);
  });

  it('2x2 average pooling', () => {
    const mix = tf.tensor4d(values(2 * 2 * 2), [1, 2, 2, 2]);
    const r = gradientCheck((v) => tf.sum(tf.mul(averagePool2(v as tf.Tensor4D), mix)) as tf.Scalar, tf.tensor4d(values(32), [1, 4, 4, 2]));
    expect(r.maxRelError).toBeLessThan(1e-2);
  });

  it('the check itself catches a wrong gradient', () => {
    // a loss whose registered gradient is deliberately wrong (twice the true one) must fail the check
    const wrong = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return {
        value: tf.sum(tf.square(x)) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(4, s as tf.Tensor)),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    expect(gradientCheck((x) => wrong(x) as tf.Scalar, tf.tensor1d(values(5))).maxRelError).toBeGreaterThan(0.1);
  });
});
