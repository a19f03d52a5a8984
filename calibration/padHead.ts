import { fitTemperature } from '../common/scoreCalibration.js';
import { type LinearModel, linearLogit } from '../model/liveness/texture/linearModel.js';
import { fitLogistic, logLoss } from './logisticRegression.js';

/** A presentation-attack head: a linear model on features, its temperature and the threshold on p(live). */
export interface PadHead {
  readonly model: LinearModel;
  readonly lambda: number;
  readonly temperature: number;
  /** p(live) at or above which a frame counts as live: chosen for `targetBpcer` on held-apart frames. */
  readonly threshold: number;
  readonly targetBpcer: number;
}

export interface PadHeadFit {
  readonly head: PadHead;
  /** Every sample's p(live) from the fold that did not see its group: the held-apart scores the threshold came from. */
  readonly heldApart: Float64Array;
  readonly folds: number;
  readonly trials: readonly { readonly lambda: number; readonly heldApartLoss: number }[];
}

export interface PadHeadOptions {
  readonly lambdas: readonly number[];
  readonly targetBpcer: number;
  /** Folds over groups (people, or recordings of a door): at most the number of groups. */
  readonly folds: number;
}

/** The largest p(live) threshold that rejects at most `targetBpcer` of the live scores. */
export function thresholdAtBpcer(liveScores: readonly number[], targetBpcer: number): number {
  const sorted = [...liveScores].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('no live presentation to choose a threshold on');
  return sorted[Math.floor(targetBpcer * sorted.length)] as number;
}

/** Group index -> fold, in the groups' sorted order (deterministic). */
function foldOf(groups: readonly string[], folds: number): number[] {
  const names = [...new Set(groups)].sort();
  const index = new Map(names.map((g, i) => [g, i % folds]));
  return groups.map((g) => index.get(g) as number);
}

/**
 * Fits a head without ever scoring a sample with a model that saw its group: for each L2 strength, k-fold by group
 * gives every sample a held-apart logit; the strength with the lowest held-apart log loss wins; the temperature and
 * the threshold for the target BPCER come from those held-apart scores; the head itself is then fitted on every sample.
 */
export function fitPadHead(xs: readonly ArrayLike<number>[], labels: Uint8Array, groups: readonly string[], o: PadHeadOptions): PadHeadFit {
  const k = Math.min(o.folds, new Set(groups).size);
  if (k < 2) throw new RangeError('a held-apart threshold needs samples from at least two groups (people or recordings)');
  const fold = foldOf(groups, k);
  let best: { lambda: number; loss: number; logits: Float64Array } | undefined;
  const trials: { lambda: number; heldApartLoss: number }[] = [];
  // strongest L2 first: each fold's fit then starts from the one before it (same samples, same standardisation)
  const starts = new Map<number, LinearModel>();
  for (const lambda of [...o.lambdas].sort((a, b) => b - a)) {
    const logits = new Float64Array(xs.length);
    for (let f = 0; f < k; f++) {
      const inFold = (i: number) => fold[i] === f;
      const trainIdx = xs.flatMap((_, i) => (inFold(i) ? [] : [i]));
      const testIdx = xs.flatMap((_, i) => (inFold(i) ? [i] : []));
      const y = Uint8Array.from(trainIdx.map((i) => labels[i] as number));
      if (y.every((v) => v === y[0]))
        throw new RangeError(`fold ${f + 1} of ${k} trains on one class only: give more live and attack groups`);
      const start = starts.get(f);
      const m = fitLogistic(
        trainIdx.map((i) => xs[i] as ArrayLike<number>),
        y,
        { lambda, ...(start ? { init: start } : {}) },
      );
      starts.set(f, m);
      for (const i of testIdx) logits[i] = linearLogit(m, xs[i] as ArrayLike<number>);
    }
    const loss = heldApartLoss(logits, labels);
    trials.push({ lambda, heldApartLoss: loss });
    if (!best || loss < best.loss) best = { lambda, loss, logits };
  }
  if (!best) throw new RangeError('no L2 strength to try');
  trials.sort((a, b) => o.lambdas.indexOf(a.lambda) - o.lambdas.indexOf(b.lambda));
  const live = [...best.logits].filter((_, i) => labels[i] === 1);
  const attack = [...best.logits].filter((_, i) => labels[i] === 0);
  const scaling = fitTemperature(live, attack, 0, true);
  const temperature = scaling.method === 'temperature' ? scaling.temperature : 1;
  const heldApart = best.logits.map((z) => 1 / (1 + Math.exp(-z / temperature)));
  const threshold = thresholdAtBpcer(
    [...heldApart].filter((_, i) => labels[i] === 1),
    o.targetBpcer,
  );
  const model = fitLogistic(xs, labels, { lambda: best.lambda });
  return {
    head: {
      model,
      lambda: best.lambda,
      temperature,
      threshold: Math.min(Math.max(threshold, 1e-9), 1 - 1e-9),
      targetBpcer: o.targetBpcer,
    },
    heldApart,
    folds: k,
    trials,
  };
}

/** p(live) of one feature vector under a head. */
export function headProbability(head: Pick<PadHead, 'model' | 'temperature'>, x: ArrayLike<number>): number {
  return 1 / (1 + Math.exp(-linearLogit(head.model, x) / head.temperature));
}

/** Balanced log loss of held-apart logits. */
function heldApartLoss(logits: Float64Array, labels: Uint8Array): number {
  const identity: LinearModel = { mean: [0], scale: [1], weights: [1], bias: 0 };
  return logLoss(
    identity,
    [...logits].map((z) => [z]),
    labels,
  );
}
