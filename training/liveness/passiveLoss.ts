import * as tf from '@tensorflow/tfjs-core';

/**
 * Class-weighted logistic loss on logits: sum_i w_i (softplus(z_i) - y_i z_i) / sum_i w_i, with y = 1 for a live
 * face. softplus(z) - y z is -log p(y | z) written so that it never overflows for large |z|.
 */
export function weightedLogisticLoss(logits: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perExample = tf.sub(tf.softplus(logits), tf.mul(labels, logits));
    return tf.div(tf.sum(tf.mul(weights, perExample)), tf.sum(weights)) as tf.Scalar;
  });
}

/** L2 weight decay: (lambda / 2) * the sum of squares of the given tensors (kernels, not biases or BN shifts). */
export function l2Penalty(tensors: readonly tf.Tensor[], lambda: number): tf.Scalar {
  return tf.tidy(() => tf.mul(lambda / 2, tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

/** Weights that give each class the same total: n / (2 n_class) for every example of the class. */
export function classWeights(labels: ArrayLike<number>): Float32Array {
  let live = 0;
  for (let i = 0; i < labels.length; i++) live += labels[i] === 1 ? 1 : 0;
  const attack = labels.length - live;
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++)
    out[i] = labels[i] === 1 ? labels.length / (2 * Math.max(1, live)) : labels.length / (2 * Math.max(1, attack));
  return out;
}
