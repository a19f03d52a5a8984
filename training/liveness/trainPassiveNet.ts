import * as tf from '@tensorflow/tfjs-core';
import './registerGradients.js';
import { seededRandom } from '../../common/seededRandom.js';
import {
  disposeAll,
  initPassiveNet,
  type PassiveNetConfig,
  type PassiveParams,
  passiveForward,
  resizeCrops,
  restore,
  snapshot,
  trainableNames,
  updateRunningStats,
} from '../../model/liveness/passive/passiveNet.js';
import { type AugmentOptions, augmentBatch } from './augment.js';
import { classWeights, l2Penalty, weightedLogisticLoss } from './passiveLoss.js';

/** Face crops in memory only (they are biometric): N x side x side x 3 RGB in [0, 1], label 1 = live, 0 = attack. */
export interface CropSet {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly side: number;
}

export const cropCount = (s: CropSet): number => s.labels.length;

export interface TrainOptions {
  readonly net: PassiveNetConfig;
  readonly augment: AugmentOptions;
  readonly learningRate: number;
  /** L2 weight decay on the kernels. */
  readonly weightDecay: number;
  /** The learning rate is multiplied by this after every epoch. */
  readonly lrDecay: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  /** Early stopping: stop after this many epochs without a lower dev loss, and keep the best epoch's weights. */
  readonly patience: number;
  readonly bnMomentum: number;
  readonly seed: number;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly learningRate: number;
  readonly trainLoss: number;
  readonly devLoss: number;
  /** Half total error rate on dev at probability 0.5: (APCER + BPCER) / 2. */
  readonly devError: number;
}

export interface TrainedNet {
  readonly params: PassiveParams;
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly devLoss: number;
  readonly ms: number;
}

/** Adam (tfjs's, with its bias correction) whose learning rate can be lowered between epochs. */
class DecayingAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** Per-channel mean and standard deviation of a crop set (saved with the model: the door normalises the same way). */
export function channelStats(s: CropSet): { mean: number[]; std: number[] } {
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  for (let i = 0; i < s.images.length; i++) {
    const v = s.images[i] as number;
    sum[i % 3] = (sum[i % 3] as number) + v;
    sq[i % 3] = (sq[i % 3] as number) + v * v;
  }
  const n = s.images.length / 3;
  const mean = sum.map((v) => v / n);
  return { mean, std: sq.map((v, c) => Math.sqrt(Math.max(v / n - (mean[c] as number) ** 2, 1e-6))) };
}

export function cropTensor(s: CropSet): tf.Tensor4D {
  return tf.tensor4d(s.images, [cropCount(s), s.side, s.side, 3]);
}

/** Logits of every crop (inference mode, whole crop), in batches. */
export function predictLogits(p: PassiveParams, net: PassiveNetConfig, s: CropSet, batch = 256): Float32Array {
  const out = new Float32Array(cropCount(s));
  const all = cropTensor(s);
  for (let b = 0; b < out.length; b += batch) {
    const n = Math.min(batch, out.length - b);
    const logits = tf.tidy(
      () => passiveForward(p, net, resizeCrops(tf.slice(all, [b, 0, 0, 0], [n, -1, -1, -1]), net.size), { training: false }).logits,
    );
    out.set(logits.dataSync(), b);
    logits.dispose();
  }
  all.dispose();
  return out;
}

/** Weighted loss and half total error rate of logits against labels. */
export function scoreLogits(logits: Float32Array, labels: Uint8Array): { loss: number; error: number } {
  const w = classWeights(labels);
  let loss = 0;
  let wsum = 0;
  let apce = 0;
  let bpce = 0;
  let live = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as number;
    const y = labels[i] as number;
    const softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    loss += (w[i] as number) * (softplus - y * z);
    wsum += w[i] as number;
    if (y === 1) {
      live++;
      if (z < 0) bpce++;
    } else if (z >= 0) apce++;
  }
  const attacks = logits.length - live;
  return { loss: loss / wsum, error: (apce / Math.max(1, attacks) + bpce / Math.max(1, live)) / 2 };
}

/**
 * Trains the passive net: mini-batch Adam on the class-weighted logistic loss plus L2 weight decay, augmented
 * batches, the learning rate decayed every epoch, early stopping on the dev loss (the best epoch's weights are
 * kept). Every random draw (initial weights, batch order, augmentation, dropout) comes from `seed`.
 */
export function trainPassiveNet(train: CropSet, dev: CropSet, o: TrainOptions, onEpoch: (r: EpochRecord) => void = () => {}): TrainedNet {
  const started = performance.now();
  const random = seededRandom(o.seed);
  const params = initPassiveNet(o.net, o.seed, channelStats(train));
  const names = trainableNames(params);
  const decayed = names.filter((k) => k.endsWith('/kernel')).map((k) => params[k] as tf.Variable);
  const optimizer = new DecayingAdam(o.learningRate, 0.9, 0.999, 1e-7);
  const images = cropTensor(train);
  const labels = tf.tensor2d(train.labels, [cropCount(train), 1], 'float32');
  const weights = tf.tensor2d(classWeights(train.labels), [cropCount(train), 1]);
  const n = cropCount(train);
  const history: EpochRecord[] = [];
  let best: { epoch: number; loss: number; saved: Record<string, tf.Tensor> } | undefined;
  let step = 0;
  for (let epoch = 0; epoch < o.maxEpochs; epoch++) {
    const rate = o.learningRate * o.lrDecay ** epoch;
    optimizer.setLearningRate(rate);
    const order = shuffled(n, random);
    let lossSum = 0;
    let batches = 0;
    for (let b = 0; b < n; b += o.batchSize) {
      const idx = tf.tensor1d(order.slice(b, b + o.batchSize), 'int32');
      const stats: { mean: tf.Tensor1D; variance: tf.Tensor1D }[] = [];
      const dropoutSeed = o.seed * 100_003 + step++;
      const x = tf.tidy(() => augmentBatch(tf.gather(images, idx) as tf.Tensor4D, o.net.size, o.augment, random));
      const { value, grads } = tf.variableGrads(
        () => {
          const out = passiveForward(params, o.net, x, { training: true, dropoutSeed });
          stats.push(...out.batchStats);
          const y = tf.gather(labels, idx);
          const w = tf.gather(weights, idx);
          return tf.add(weightedLogisticLoss(out.logits, y, w), l2Penalty(decayed, o.weightDecay)) as tf.Scalar;
        },
        names.map((k) => params[k] as tf.Variable),
      );
      optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
      updateRunningStats(params, stats, o.bnMomentum);
      lossSum += value.dataSync()[0] as number;
      batches++;
      value.dispose();
      disposeAll(grads);
      x.dispose();
      idx.dispose();
    }
    const devScore = scoreLogits(predictLogits(params, o.net, dev), dev.labels);
    const record = { epoch, learningRate: rate, trainLoss: lossSum / batches, devLoss: devScore.loss, devError: devScore.error };
    history.push(record);
    onEpoch(record);
    if (!best || devScore.loss < best.loss) {
      if (best) disposeAll(best.saved);
      best = { epoch, loss: devScore.loss, saved: snapshot(params) };
    } else if (epoch - best.epoch >= o.patience) break;
  }
  if (best) {
    restore(params, best.saved);
    disposeAll(best.saved);
  }
  optimizer.dispose();
  images.dispose();
  labels.dispose();
  weights.dispose();
  return { params, history, bestEpoch: best?.epoch ?? 0, devLoss: best?.loss ?? Number.NaN, ms: performance.now() - started };
}

function shuffled(n: number, random: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
}
