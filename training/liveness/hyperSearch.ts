import { seededRandom } from '../../common/seededRandom.js';
import { type CropSet, type TrainedNet, type TrainOptions, trainPassiveNet } from './trainPassiveNet.js';

export interface SearchOptions {
  readonly coarseTrials: number;
  /** Epochs of a coarse trial (a quick look); fine trials run to early stopping. */
  readonly coarseEpochs: number;
  readonly fineTrials: number;
  /** Log-uniform ranges of the coarse stage. */
  readonly learningRate: readonly [number, number];
  readonly weightDecay: readonly [number, number];
  /** Half-width of the fine stage's ranges around the best coarse trial, in decades. */
  readonly fineDecades: number;
  readonly seed: number;
}

export interface Trial {
  readonly stage: 'coarse' | 'fine';
  readonly index: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly devLoss: number;
  readonly devError: number;
  readonly bestEpoch: number;
  readonly epochs: number;
  readonly seconds: number;
}

/** A draw between lo and hi, uniform in log10 (learning rates and decays span decades). */
export function logUniform(random: () => number, lo: number, hi: number): number {
  return 10 ** (Math.log10(lo) + random() * (Math.log10(hi) - Math.log10(lo)));
}

/**
 * Random search, coarse then fine: learning rate and weight decay drawn log-uniformly over wide ranges for a few
 * epochs each, then around the best of those for full runs. Returns every trial and the best fine trial's net (the
 * others are disposed). `onTrial` sees each trial as it ends (for the experiment registry).
 */
export function searchHyperparameters(
  train: CropSet,
  dev: CropSet,
  base: TrainOptions,
  o: SearchOptions,
  onTrial: (t: Trial, net: TrainedNet) => void,
): { trials: Trial[]; best: Trial; net: TrainedNet } {
  const random = seededRandom(o.seed);
  const trials: Trial[] = [];
  const run = (stage: Trial['stage'], index: number, learningRate: number, weightDecay: number, maxEpochs: number, patience: number) => {
    const net = trainPassiveNet(train, dev, { ...base, learningRate, weightDecay, maxEpochs, patience, seed: base.seed + index });
    const t: Trial = {
      stage,
      index,
      learningRate,
      weightDecay,
      devLoss: net.devLoss,
      devError: net.history[net.bestEpoch]?.devError ?? Number.NaN,
      bestEpoch: net.bestEpoch,
      epochs: net.history.length,
      seconds: net.ms / 1000,
    };
    trials.push(t);
    onTrial(t, net);
    return { t, net };
  };
  let bestCoarse: Trial | undefined;
  for (let i = 0; i < o.coarseTrials; i++) {
    const { t, net } = run(
      'coarse',
      i,
      logUniform(random, ...o.learningRate),
      logUniform(random, ...o.weightDecay),
      o.coarseEpochs,
      o.coarseEpochs,
    );
    disposeNet(net);
    if (!bestCoarse || t.devLoss < bestCoarse.devLoss) bestCoarse = t;
  }
  const centre = bestCoarse ?? { learningRate: base.learningRate, weightDecay: base.weightDecay };
  const around = (v: number) => [v / 10 ** o.fineDecades, v * 10 ** o.fineDecades] as const;
  let best: { t: Trial; net: TrainedNet } | undefined;
  for (let i = 0; i < Math.max(1, o.fineTrials); i++) {
    // the first fine trial is the coarse winner itself, trained to the end
    const lr = i === 0 ? centre.learningRate : logUniform(random, ...around(centre.learningRate));
    const wd = i === 0 ? centre.weightDecay : logUniform(random, ...around(centre.weightDecay));
    const r = run('fine', o.coarseTrials + i, lr, wd, base.maxEpochs, base.patience);
    if (!best || r.t.devLoss < best.t.devLoss) {
      if (best) disposeNet(best.net);
      best = r;
    } else disposeNet(r.net);
  }
  const winner = best as { t: Trial; net: TrainedNet };
  return { trials, best: winner.t, net: winner.net };
}

export function disposeNet(net: TrainedNet): void {
  for (const v of Object.values(net.params)) v.dispose();
}
