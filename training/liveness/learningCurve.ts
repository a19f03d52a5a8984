import type { PassiveNetConfig } from '../../model/liveness/passive/passiveNet.js';
import { disposeNet } from './hyperSearch.js';
import {
  type CropSet,
  cropCount,
  predictLogits,
  scoreLogits,
  type TrainedNet,
  type TrainOptions,
  trainPassiveNet,
} from './trainPassiveNet.js';

export interface CurvePoint {
  readonly fraction: number;
  readonly examples: number;
  readonly trainError: number;
  readonly devError: number;
}

/** The bias/variance reading of a learning curve's last point (errors are half total error rates). */
export function readLearningCurve(curve: readonly CurvePoint[]): string {
  const last = curve.at(-1);
  if (!last) return 'no learning curve';
  const gap = last.devError - last.trainError;
  const bias = last.trainError > 0.05;
  const variance = gap > 0.05;
  const trend = curve.length > 1 ? (curve[0] as CurvePoint).devError - last.devError : 0;
  const parts = [
    `at the full training set, train error ${(100 * last.trainError).toFixed(1)}% and dev error ${(100 * last.devError).toFixed(1)}%`,
    bias ? 'high bias: the net does not fit its own training data (a larger net or longer training would help)' : 'low bias',
    variance
      ? `high variance: dev error is ${(100 * gap).toFixed(1)} points above train error (more subjects, stronger augmentation or regularisation would help)`
      : 'low variance',
    trend > 0.01
      ? `dev error still falls with more data (${(100 * trend).toFixed(1)} points from the smallest set): more data would help`
      : 'dev error has levelled off with the data size',
  ];
  return parts.join('; ');
}

/**
 * Train and dev error for nets trained on growing fractions of the training set (the whole set is `net`, the search's
 * winner): where the curve flattens, more of the same data will not help.
 */
export function learningCurve(
  trainSet: CropSet,
  devSet: CropSet,
  net: TrainedNet,
  options: TrainOptions & { readonly net: PassiveNetConfig },
  fractions: readonly number[],
  random: () => number,
  progress: (detail: string) => void,
): CurvePoint[] {
  const errors = (n: TrainedNet, s: CropSet) => scoreLogits(predictLogits(n.params, options.net, s), s.labels).error;
  const curve: CurvePoint[] = [];
  for (const fraction of [...fractions].filter((f) => f < 1).sort()) {
    const part = subset(trainSet, fraction, random);
    const small = trainPassiveNet(part, devSet, options);
    curve.push({ fraction, examples: cropCount(part), trainError: errors(small, part), devError: errors(small, devSet) });
    disposeNet(small);
    progress(`${cropCount(part)} examples: dev error ${((curve.at(-1)?.devError ?? 0) * 100).toFixed(1)}%`);
  }
  curve.push({ fraction: 1, examples: cropCount(trainSet), trainError: errors(net, trainSet), devError: errors(net, devSet) });
  return curve;
}

function subset(s: CropSet, fraction: number, random: () => number): CropSet {
  const n = cropCount(s);
  const idx = Array.from({ length: n }, (_, i) => i)
    .map((i) => ({ i, r: random() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, Math.max(2, Math.round(fraction * n)))
    .map((x) => x.i)
    .sort((a, b) => a - b);
  const size = s.side * s.side * 3;
  const images = new Float32Array(idx.length * size);
  idx.forEach((i, j) => {
    images.set(s.images.subarray(i * size, (i + 1) * size), j * size);
  });
  return { images, labels: Uint8Array.from(idx.map((i) => s.labels[i] as number)), side: s.side };
}
