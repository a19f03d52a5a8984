import {
  fitPlatt,
  fitTemperature,
  type Prediction,
  type ProbabilityModel,
  predictions,
  type ReliabilityBin,
  reliability,
} from '../common/scoreCalibration.js';
import { bootstrapIntervals, type Interval, weightedEer, weightedTarAtFar } from './bootstrap.js';
import { type ConditionRow, conditionErrors, type ScoredPair } from './conditionAnalysis.js';
import { type CurvePoint, errorCurve, scoreHistogram } from './curves.js';
import { type DoorOperatingPoint, type DoorRates, doorOperatingPoint, type IdentityImages, simulateDoor } from './doorSimulation.js';
import { Extremes, foldPairs, type ImageResult, type Similarity, scoreFold } from './foldPairs.js';
import { concatScores, equalErrorRateOf, type FoldScores, heldOutAccuracy, heldOutAtFar, meanStd } from './kfold.js';
import { identityOf, type LfwDataset } from './lfwDataset.js';
import { equalErrorRate, type OperatingPoint, rocAuc, sortedDescending, tarAtFarSorted } from './verificationMetrics.js';

/** The FARs every report states TAR at. */
export const REPORTED_FARS = [1e-2, 1e-3, 1e-4, 1e-5] as const;

export interface VerificationOptions {
  readonly targetFar: number;
  readonly k: number;
  readonly n: number;
  readonly seed: number;
  readonly bootstrapReplicates: number;
  readonly doorTemplates: number;
  readonly doorImpostorApproaches: number;
  /** The door operating point: templates per user and the door-level FAR its threshold is chosen for. */
  readonly doorAt?: { readonly templates: number; readonly targetFar: number; readonly impostorApproaches: number };
}

export interface ErrorSummary {
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  readonly eer: number;
  readonly eerThreshold: number;
  readonly auc: number;
  readonly tarAtFar: Readonly<Record<string, OperatingPoint>>;
  readonly curve: readonly CurvePoint[];
}

export interface FoldReport extends ErrorSummary {
  readonly fold: number;
  readonly identities: number;
  readonly images: number;
  readonly noFace: number;
}

export interface ProbabilityReport {
  readonly model: ProbabilityModel;
  /** Judged on held-out folds: each fold's pairs scored by a model fitted on the other folds. */
  readonly heldOut: { readonly ece: number; readonly nll: number; readonly bins: readonly ReliabilityBin[] };
}

export interface WorstPair {
  readonly a: string;
  readonly b: string;
  readonly score: number;
}

export interface VerificationReport {
  readonly folds: readonly FoldReport[];
  readonly pooled: ErrorSummary & {
    readonly histogram: { readonly lo: number; readonly hi: number; readonly genuine: number[]; readonly impostor: number[] };
  };
  readonly kfoldAccuracy: {
    readonly mean: number;
    readonly std: number;
    readonly folds: readonly { fold: number; threshold: number; accuracy: number }[];
  };
  readonly heldOutAtTarget: {
    readonly targetFar: number;
    readonly meanTar: number;
    readonly meanFar: number;
    readonly folds: readonly { fold: number; threshold: number; tar: number; far: number }[];
  };
  readonly bootstrap: { readonly replicates: number; readonly seed: number; readonly intervals: Readonly<Record<string, Interval>> };
  /** The threshold the calibration file carries: for the target FAR over all folds' impostor pairs. */
  readonly operating: OperatingPoint & { readonly targetFar: number };
  readonly door: DoorRates & { readonly k: number; readonly n: number; readonly templates: number };
  /** The threshold for a door-level FAR with several templates per user, and the FRR it costs (none: too few people). */
  readonly doorAtTarget?: DoorOperatingPoint & { readonly k: number; readonly n: number };
  readonly probability: { readonly chosen: ProbabilityModel; readonly platt: ProbabilityReport; readonly temperature: ProbabilityReport };
  readonly conditions: readonly ConditionRow[];
  readonly worst: { readonly genuine: readonly WorstPair[]; readonly impostor: readonly WorstPair[] };
  readonly failedToEnrol: readonly string[];
}

function summarize(genuine: Float64Array, impostor: Float64Array): ErrorSummary {
  const gen = sortedDescending(genuine);
  const imp = sortedDescending(impostor);
  const { eer, threshold } = equalErrorRate(gen, imp);
  return {
    genuinePairs: gen.length,
    impostorPairs: imp.length,
    eer,
    eerThreshold: threshold,
    auc: rocAuc(gen, imp),
    tarAtFar: Object.fromEntries(REPORTED_FARS.map((f) => [String(f), tarAtFarSorted(gen, imp, f)])),
    curve: errorCurve(gen, imp),
  };
}

/**
 * Everything the calibration report says about verification, from the images' embeddings: per fold and pooled error
 * rates over ALL same- and cross-identity pairs of each fold (missed faces score -Infinity: rejects), the LFW 10-fold
 * style accuracy on the official pairs, thresholds chosen on other folds and measured on the held-out one,
 * bootstrap intervals, door-level rates under k-of-n fusion, score calibration and error analysis by condition.
 */
export function evaluateVerification(
  dataset: LfwDataset,
  images: ReadonlyMap<string, ImageResult>,
  similarity: Similarity,
  o: VerificationOptions,
): VerificationReport {
  const { foldScores, foldReports, allImages, worstGenuine, worstImpostor } = scoreFolds(dataset, images, similarity);
  const genuine = concatScores(foldScores.map((f) => f.genuine));
  const impostor = concatScores(foldScores.map((f) => f.impostor));
  const pooledSummary = summarize(genuine, impostor);
  const genDesc = sortedDescending(genuine);
  const impDesc = sortedDescending(impostor);
  const operating = { ...tarAtFarSorted(genDesc, impDesc, o.targetFar), targetFar: o.targetFar };
  const { lo, hi } = finiteRange(genuine, impostor);

  const multiFold = foldScores.length >= 2;
  const accuracy = multiFold ? heldOutAccuracy(foldScores) : [];
  const atTarget = multiFold ? heldOutAtFar(foldScores, o.targetFar) : [];
  const acc = meanStd(accuracy.map((a) => a.value));

  const intervals = bootstrapIntervals(
    genDesc,
    impDesc,
    {
      eer: weightedEer,
      ...Object.fromEntries(
        [1e-3, 1e-4].map((f) => [
          `tar@${f}`,
          (g: Parameters<typeof weightedEer>[0], i: Parameters<typeof weightedEer>[1]) => weightedTarAtFar(g, i, f),
        ]),
      ),
    },
    { replicates: o.bootstrapReplicates, seed: o.seed },
  );

  const platt = probabilityReport('platt', foldScores);
  const temperature = probabilityReport('temperature', foldScores);

  const door = doorRates(allImages, similarity, operating.threshold, o);

  const name = (i: number) => allImages[i]?.path ?? '?';
  return {
    folds: foldReports,
    pooled: {
      ...pooledSummary,
      histogram: { lo, hi, genuine: scoreHistogram(genuine, lo, hi), impostor: scoreHistogram(impostor, lo, hi) },
    },
    kfoldAccuracy: { ...acc, folds: accuracy.map((a) => ({ fold: a.fold, threshold: a.threshold, accuracy: a.value })) },
    heldOutAtTarget: {
      targetFar: o.targetFar,
      meanTar: meanStd(atTarget.map((a) => a.tar)).mean,
      meanFar: meanStd(atTarget.map((a) => a.far)).mean,
      folds: atTarget,
    },
    bootstrap: { replicates: o.bootstrapReplicates, seed: o.seed, intervals },
    operating,
    door: { ...door, k: o.k, n: o.n, templates: o.doorTemplates },
    ...doorAtTargetOf(allImages, similarity, o),
    probability: { chosen: platt.heldOut.ece <= temperature.heldOut.ece ? platt.model : temperature.model, platt, temperature },
    conditions: conditionErrors(
      allImages.map((it) => it.conditions),
      scoredPairsOf(dataset, allImages, similarity),
      operating.threshold,
    ),
    worst: {
      genuine: worstGenuine.items.map((p) => ({ a: name(p.a), b: name(p.b), score: p.score })),
      impostor: worstImpostor.items.map((p) => ({ a: name(p.a), b: name(p.b), score: p.score })),
    },
    failedToEnrol: allImages.filter((it) => !it.embedding).map((it) => it.path),
  };
}

/** Every fold's pair scores and summary, the images in fold order, and the worst pairs of all folds. */
/** Every pair of each fold scored (missed faces score -Infinity), with per-fold reports and the extreme pairs. */
export function scoreFolds(dataset: LfwDataset, images: ReadonlyMap<string, ImageResult>, similarity: Similarity) {
  const foldScores: FoldScores[] = [];
  const foldReports: FoldReport[] = [];
  const worstGenuine = new Extremes(10, true);
  const worstImpostor = new Extremes(10, false);
  const allImages: ImageResult[] = [];
  for (const fold of dataset.folds) {
    const items = fold.images.map((p) => images.get(p) as ImageResult);
    const offset = allImages.length;
    allImages.push(...items);
    const scores = scoreFold(fold, items, offset, similarity, { genuine: worstGenuine, impostor: worstImpostor });
    foldScores.push(scores);
    foldReports.push({
      fold: fold.fold,
      identities: fold.identities.length,
      images: items.length,
      noFace: items.filter((it) => !it.embedding).length,
      ...summarize(scores.genuine, scores.impostor),
    });
  }
  return { foldScores, foldReports, allImages, worstGenuine, worstImpostor };
}

/** Lowest and highest finite score (missed faces score -Infinity). */
function finiteRange(...lists: readonly Float64Array[]): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of lists)
    for (const v of a)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  return { lo, hi };
}

/** Score calibration, cross-fitted: each fold's official pairs are predicted by a model fitted on the other folds. */
function probabilityReport(method: 'platt' | 'temperature', foldScores: readonly FoldScores[]): ProbabilityReport {
  const fitModel = (folds: readonly FoldScores[]): ProbabilityModel => {
    const g = concatScores(folds.map((f) => f.pairGenuine));
    const i = concatScores(folds.map((f) => f.pairImpostor));
    return method === 'platt' ? fitPlatt(g, i) : fitTemperature(g, i, equalErrorRateOf(g, i));
  };
  const held: Prediction[] =
    foldScores.length >= 2
      ? foldScores.flatMap((f) => predictions(fitModel(foldScores.filter((x) => x !== f)), f.pairGenuine, f.pairImpostor))
      : [];
  return { model: fitModel(foldScores), heldOut: reliability(held) };
}

/** Every identity of the data with its images' embeddings in order. */
function identities(allImages: readonly ImageResult[]): IdentityImages[] {
  const byIdentity = new Map<string, (Float32Array | undefined)[]>();
  for (const it of allImages) {
    const id = identityOf(it.path);
    const list = byIdentity.get(id);
    if (list) list.push(it.embedding);
    else byIdentity.set(id, [it.embedding]);
  }
  return [...byIdentity].map(([identity, embeddings]) => ({ identity, embeddings }));
}

/** The door operating point for a door-level FAR, with several templates per user (when asked for and resolvable). */
function doorAtTargetOf(allImages: readonly ImageResult[], similarity: Similarity, o: VerificationOptions) {
  if (!o.doorAt) return {};
  const point = doorOperatingPoint(identities(allImages), similarity, {
    k: o.k,
    n: o.n,
    templates: o.doorAt.templates,
    targetFar: o.doorAt.targetFar,
    impostorApproaches: o.doorAt.impostorApproaches,
    genuinePerIdentity: 20,
    seed: o.seed,
  });
  return point ? { doorAtTarget: { ...point, k: o.k, n: o.n } } : {};
}

/** Door-level rates: every identity of the data with its images in order, at the operating threshold. */
function doorRates(allImages: readonly ImageResult[], similarity: Similarity, threshold: number, o: VerificationOptions) {
  return simulateDoor(identities(allImages), similarity, {
    threshold,
    k: o.k,
    n: o.n,
    templates: o.doorTemplates,
    impostorApproaches: o.doorImpostorApproaches,
    seed: o.seed,
  });
}

/** Every scored pair of every fold with both faces found, again (recomputed rather than kept: millions of pairs). */
function* scoredPairsOf(dataset: LfwDataset, all: readonly ImageResult[], similarity: Similarity): Generator<ScoredPair> {
  let offset = 0;
  for (const fold of dataset.folds) {
    for (const p of foldPairs(all.slice(offset, offset + fold.images.length), offset, similarity)) if (Number.isFinite(p.score)) yield p;
    offset += fold.images.length;
  }
}
