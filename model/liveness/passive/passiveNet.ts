import * as tf from '@tensorflow/tfjs-core';

/** The shape of the passive presentation-attack net: a few 3x3 conv blocks, global average, one logit. */
/** Side of the face crop the model is trained and scored on (resized to the net's own input size). */
export const CROP_SIDE = 48;

/** The whole face crop resized to the net's input (what the door scores). */
export function resizeCrops(images: tf.Tensor4D, size: number): tf.Tensor4D {
  return tf.tidy(() => tf.image.resizeBilinear(images, [size, size], true));
}

export interface PassiveNetConfig {
  /** Input side in pixels (the face crop is resized to it). */
  readonly size: number;
  /** Filters of each conv block; every block but the last halves the resolution. */
  readonly widths: readonly number[];
  readonly dropout: number;
}

export const DEFAULT_NET: PassiveNetConfig = { size: 32, widths: [8, 16, 32], dropout: 0.3 };

/**
 * The net's tensors by name: `conv{i}/kernel`, `bn{i}/gamma`, `bn{i}/beta` and `dense/kernel`, `dense/bias` are
 * trained; `bn{i}/mean`, `bn{i}/variance` (running statistics) and `input/mean`, `input/std` (the training set's
 * per-channel statistics) are not.
 */
export type PassiveParams = Record<string, tf.Variable>;

/** The same tensors read-only (a loaded model's are plain tensors). */
export type NetTensors = Readonly<Record<string, tf.Tensor>>;

const BN_EPSILON = 1e-3;

/** Weights drawn from `seed` (He initialisation for the convs): the same seed gives the same net. */
export function initPassiveNet(config: PassiveNetConfig, seed: number, input: { mean: number[]; std: number[] }): PassiveParams {
  return tf.tidy(() => {
    const p: PassiveParams = {};
    let cin = 3;
    config.widths.forEach((w, i) => {
      p[`conv${i}/kernel`] = tf.variable(tf.randomNormal([9 * cin, w], 0, Math.sqrt(2 / (9 * cin)), 'float32', seed + i), true);
      p[`bn${i}/gamma`] = tf.variable(tf.ones([w]), true);
      p[`bn${i}/beta`] = tf.variable(tf.zeros([w]), true);
      p[`bn${i}/mean`] = tf.variable(tf.zeros([w]), false);
      p[`bn${i}/variance`] = tf.variable(tf.ones([w]), false);
      cin = w;
    });
    p['dense/kernel'] = tf.variable(tf.randomNormal([cin, 1], 0, Math.sqrt(1 / cin), 'float32', seed + 100), true);
    p['dense/bias'] = tf.variable(tf.zeros([1]), true);
    p['input/mean'] = tf.variable(tf.tensor1d(input.mean), false);
    p['input/std'] = tf.variable(tf.tensor1d(input.std), false);
    return p;
  });
}

/**
 * 3x3 convolution, stride 1, zero padding, as one matrix product over the 9 shifted copies of the input (im2col).
 * The WASM backend has no convolution gradient kernels; pad, slice, concat and matMul all have theirs, so the net
 * trains on the same backend it runs on. Kernel layout: [9 * cin, cout], rows ordered (dy, dx, channel).
 */
export function conv3x3(x: tf.Tensor4D, kernel: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const shifted: tf.Tensor4D[] = [];
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) shifted.push(tf.slice(padded, [0, dy, dx, 0], [n, h, w, c]));
    const columns = tf.reshape(tf.concat(shifted, 3), [n * h * w, 9 * c]);
    return tf.reshape(tf.matMul(columns, kernel), [n, h, w, kernel.shape[1]]);
  });
}

/** 2x2 average pooling by reshape and mean (differentiable with basic kernels). Odd sides lose their last row/column. */
export function averagePool2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const h2 = h >> 1;
    const w2 = w >> 1;
    const even = h === 2 * h2 && w === 2 * w2 ? x : tf.slice(x, [0, 0, 0, 0], [n, 2 * h2, 2 * w2, c]);
    return tf.mean(tf.reshape(even, [n, h2, 2, w2, 2, c]), [2, 4]) as tf.Tensor4D;
  });
}

/** Batch normalisation over N, H, W with the batch's own statistics (training); also returns them. */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), gamma), beta) as tf.Tensor4D;
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

function batchNormInfer(x: tf.Tensor4D, p: NetTensors, i: number): tf.Tensor4D {
  const scale = tf.div(p[`bn${i}/gamma`] as tf.Tensor1D, tf.sqrt(tf.add(p[`bn${i}/variance`] as tf.Tensor1D, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, p[`bn${i}/mean`] as tf.Tensor1D), scale), p[`bn${i}/beta`] as tf.Tensor1D) as tf.Tensor4D;
}

export interface ForwardOptions {
  readonly training: boolean;
  /** Seed of this step's dropout mask (training only). */
  readonly dropoutSeed?: number;
}

/**
 * Logits (higher = live) of a batch of face crops [N, size, size, 3] in [0, 1]. In training the batch statistics of
 * every BN layer are returned as well (kept out of any tidy: the caller folds them into the running statistics).
 */
export function passiveForward(
  p: NetTensors,
  config: PassiveNetConfig,
  images: tf.Tensor4D,
  o: ForwardOptions,
): { logits: tf.Tensor2D; batchStats: { mean: tf.Tensor1D; variance: tf.Tensor1D }[] } {
  const batchStats: { mean: tf.Tensor1D; variance: tf.Tensor1D }[] = [];
  let x = tf.div(tf.sub(images, p['input/mean'] as tf.Tensor1D), p['input/std'] as tf.Tensor1D) as tf.Tensor4D;
  config.widths.forEach((_, i) => {
    const z = conv3x3(x, p[`conv${i}/kernel`] as tf.Tensor2D);
    let normed: tf.Tensor4D;
    if (o.training) {
      const bn = batchNormTrain(z, p[`bn${i}/gamma`] as tf.Tensor1D, p[`bn${i}/beta`] as tf.Tensor1D);
      batchStats.push({ mean: tf.keep(bn.mean), variance: tf.keep(bn.variance) });
      normed = bn.y;
    } else {
      normed = batchNormInfer(z, p, i);
    }
    const activated = tf.relu(normed);
    x = i < config.widths.length - 1 ? averagePool2(activated) : activated;
  });
  let pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
  if (o.training && config.dropout > 0) pooled = tf.dropout(pooled, config.dropout, undefined, o.dropoutSeed) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, p['dense/kernel'] as tf.Tensor2D), p['dense/bias'] as tf.Tensor1D) as tf.Tensor2D;
  return { logits, batchStats };
}

/** The trainable tensors (the optimiser's and the weight decay's), by name. */
export function trainableNames(p: PassiveParams): string[] {
  return Object.keys(p).filter((k) => p[k]?.trainable);
}

/** Running statistics follow the batches: r = momentum r + (1 - momentum) batch. */
export function updateRunningStats(
  p: PassiveParams,
  stats: readonly { mean: tf.Tensor1D; variance: tf.Tensor1D }[],
  momentum: number,
): void {
  stats.forEach((s, i) => {
    tf.tidy(() => {
      const m = p[`bn${i}/mean`] as tf.Variable;
      const v = p[`bn${i}/variance`] as tf.Variable;
      m.assign(tf.add(tf.mul(m, momentum), tf.mul(s.mean, 1 - momentum)));
      v.assign(tf.add(tf.mul(v, momentum), tf.mul(s.variance, 1 - momentum)));
    });
    s.mean.dispose();
    s.variance.dispose();
  });
}

/** Copies of every tensor (for the best epoch of early stopping). */
export function snapshot(p: PassiveParams): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.clone(v)]));
}

export function restore(p: PassiveParams, saved: Record<string, tf.Tensor>): void {
  for (const [k, v] of Object.entries(saved)) p[k]?.assign(v);
}

export function disposeAll(t: Record<string, tf.Tensor>): void {
  for (const v of Object.values(t)) v.dispose();
}

/** sha256 of every tensor's values in name order: identical weights, identical hash. */
export function weightsHash(p: NetTensors, hash: (b: Uint8Array) => string): string {
  const parts = Object.keys(p)
    .sort()
    .map((k) => new Uint8Array((p[k] as tf.Tensor).dataSync().slice().buffer));
  return hash(Buffer.concat(parts));
}
