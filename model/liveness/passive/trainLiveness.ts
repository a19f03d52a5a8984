import { appendExperiment } from '../../../calibration/experimentRegistry.js';
import { gitCommit } from '../../../calibration/runCalibration.js';
import { fitTemperature } from '../../../calibration/scoreCalibration.js';
import { seededRandom } from '../../../calibration/seededRandom.js';
import { sha256 } from '../../../calibration/splitManifest.js';
import type { FaceEngine } from '../../faceEngine.js';
import type { AugmentOptions } from './augment.js';
import { DEFAULT_SEARCH, disposeNet, type SearchOptions, searchHyperparameters, type Trial } from './hyperSearch.js';
import {
  extractSamples,
  type LivenessDataOptions,
  type LivenessSample,
  listLivenessData,
  type SamplePart,
  toCropSet,
} from './livenessData.js';
import { approachRates, type FusionRule, frameRates, type RateRow, thresholdForBpcer } from './livenessEvaluation.js';
import { PASSIVE_FORMAT, type PassiveModelMeta, savePassiveModel } from './passiveModelFile.js';
import { type PassiveNetConfig, weightsHash } from './passiveNet.js';
import {
  type CropSet,
  cropCount,
  type EpochRecord,
  predictLogits,
  scoreLogits,
  type TrainOptions,
  trainPassiveNet,
} from './trainPassiveNet.js';

export interface TrainLivenessOptions {
  readonly data: LivenessDataOptions;
  readonly out: string;
  readonly registry: string | null;
  readonly net: PassiveNetConfig;
  readonly augment: AugmentOptions;
  readonly train: Omit<TrainOptions, 'net' | 'augment'>;
  readonly search: SearchOptions;
  /** Training-set fractions of the learning curve (the whole set is the search's winner). */
  readonly curveFractions: readonly number[];
  readonly targetBpcer: number;
  /** The door's k-of-n rule, for the approach-level rates. */
  readonly rule: Omit<FusionRule, 'active'>;
}

export interface CurvePoint {
  readonly fraction: number;
  readonly examples: number;
  readonly trainError: number;
  readonly devError: number;
}

export interface TrainLivenessReport {
  readonly tool: 'facelock train liveness';
  readonly createdAt: string;
  readonly gitCommit: string;
  readonly seed: number;
  readonly dataManifestSha256: string;
  readonly counts: Record<string, { attacks: number; bonaFide: number; noFace: number }>;
  readonly trials: Trial[];
  readonly best: Trial;
  readonly history: EpochRecord[];
  readonly curve: CurvePoint[];
  readonly reading: string;
  readonly temperature: number;
  readonly threshold: number;
  readonly targetBpcer: number;
  readonly rates: RateRow[];
  readonly files: { path: string; sha256: string }[];
  readonly seconds: { extract: number; search: number; curve: number; total: number };
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

/**
 * `facelock train liveness`: extracts face crops, searches hyperparameters (every trial in the experiment registry),
 * draws the learning curve, fits the temperature and the threshold for the target BPCER on dev, measures APCER and
 * BPCER of the shipped nets, the trained net and the fused decision per part, and saves the model with its hashes.
 */
export async function trainLiveness(
  engine: FaceEngine,
  o: TrainLivenessOptions,
  progress: (stage: string, detail: string) => void,
): Promise<TrainLivenessReport> {
  const started = performance.now();
  const listed = listLivenessData(o.data);
  const samples = await extractSamples(engine, listed.samples, (done) => {
    if (done % 100 === 0 || done === listed.samples.length) progress('faces', `${done}/${listed.samples.length} images`);
  });
  const extracted = performance.now();
  const of = (...parts: SamplePart[]) => samples.filter((s) => parts.includes(s.part));
  const trainSet = toCropSet(of('train', 'bona-fide'));
  const devSet = toCropSet(of('dev', 'bona-fide-dev'));
  const base: TrainOptions = { ...o.train, net: o.net, augment: o.augment };
  const commit = gitCommit();
  const record = (t: Trial, hash: string, metrics: Record<string, number | null>) => {
    if (!o.registry) return;
    appendExperiment(o.registry, {
      kind: 'train-liveness',
      at: new Date().toISOString(),
      gitCommit: commit,
      seed: base.seed + t.index,
      options: { stage: t.stage, learningRate: t.learningRate, weightDecay: t.weightDecay, net: o.net, augment: o.augment, train: o.train },
      model: `passive liveness ${t.stage} trial ${t.index}`,
      modelHash: hash,
      dataManifestSha256: listed.manifestSha256,
      attackManifestSha256: listed.manifestSha256,
      metrics,
      report: null,
    });
  };
  const search = searchHyperparameters(trainSet, devSet, base, o.search, (t, net) => {
    progress(
      'search',
      `${t.stage} trial ${t.index}: lr ${t.learningRate.toExponential(1)} wd ${t.weightDecay.toExponential(1)} dev loss ${t.devLoss.toFixed(4)} (${t.seconds.toFixed(0)} s)`,
    );
    record(t, weightsHash(net.params, sha256Bytes), {
      devLoss: t.devLoss,
      devError: t.devError,
      bestEpoch: t.bestEpoch,
      seconds: t.seconds,
    });
  });
  const searched = performance.now();
  const { net } = search;
  const bestOptions: TrainOptions = { ...base, learningRate: search.best.learningRate, weightDecay: search.best.weightDecay };
  const curve: CurvePoint[] = [];
  const random = seededRandom(base.seed + 7);
  for (const fraction of [...o.curveFractions].filter((f) => f < 1).sort()) {
    const part = subset(trainSet, fraction, random);
    const small = trainPassiveNet(part, devSet, bestOptions);
    curve.push({
      fraction,
      examples: cropCount(part),
      trainError: scoreLogits(predictLogits(small.params, o.net, part), part.labels).error,
      devError: scoreLogits(predictLogits(small.params, o.net, devSet), devSet.labels).error,
    });
    disposeNet(small);
    progress('curve', `${cropCount(part)} examples: dev error ${((curve.at(-1)?.devError ?? 0) * 100).toFixed(1)}%`);
  }
  curve.push({
    fraction: 1,
    examples: cropCount(trainSet),
    trainError: scoreLogits(predictLogits(net.params, o.net, trainSet), trainSet.labels).error,
    devError: scoreLogits(predictLogits(net.params, o.net, devSet), devSet.labels).error,
  });
  const curved = performance.now();

  // calibration and operating point on dev; then every sample's probability
  const devLogits = predictLogits(net.params, o.net, devSet);
  const live = [...devLogits].filter((_, i) => devSet.labels[i] === 1);
  const attack = [...devLogits].filter((_, i) => devSet.labels[i] === 0);
  // dev is often separated perfectly: hard targets would drive T to 0 (probabilities of exactly 0 and 1)
  const scaling = fitTemperature(live, attack, 0, true);
  const temperature = scaling.method === 'temperature' ? scaling.temperature : 1;
  const prob = (z: number) => 1 / (1 + Math.exp(-z / temperature));
  const threshold = thresholdForBpcer(live.map(prob), o.targetBpcer);
  const withCrop = samples.filter((s) => s.crop !== undefined);
  const allLogits = predictLogits(net.params, o.net, toCropSet(withCrop));
  const p = new Map<LivenessSample, number>(withCrop.map((s, i) => [s, prob(allLogits[i] as number)]));
  const trained = (s: LivenessSample) => (p.get(s) ?? 0) >= threshold;
  const antispoof = (s: LivenessSample) => (s.antispoof ?? 0) >= 0.5;
  const shippedLive = (s: LivenessSample) => (s.liveness ?? 0) >= 0.5;
  const rates: RateRow[] = [];
  for (const part of ['train', 'dev'] as const) {
    const ss = of(part);
    rates.push(frameRates('shipped antispoof >= 0.5', part, ss, antispoof));
    rates.push(frameRates('shipped liveness >= 0.5', part, ss, shippedLive));
    rates.push(frameRates('trained', part, ss, trained));
    rates.push(approachRates('shipped antispoof, k of n', part, ss, antispoof, { ...o.rule, active: 'off' }));
    rates.push(approachRates('trained, k of n', part, ss, trained, { ...o.rule, active: 'off' }));
    rates.push(approachRates('fused: trained + active (optional)', part, ss, trained, { ...o.rule, active: 'optional' }));
    rates.push(approachRates('fused: trained + active (required)', part, ss, trained, { ...o.rule, active: 'required' }));
  }
  const others = [...new Set(samples.map((s) => s.part))].filter(
    (x) => x === 'bona-fide' || x === 'bona-fide-dev' || x.startsWith('check:'),
  );
  for (const part of others) {
    const ss = of(part);
    rates.push(frameRates('shipped antispoof >= 0.5', part, ss, antispoof));
    rates.push(frameRates('shipped liveness >= 0.5', part, ss, shippedLive));
    rates.push(frameRates('trained', part, ss, trained));
  }
  const counts: TrainLivenessReport['counts'] = {};
  for (const s of samples) {
    const c = counts[s.part] ?? { attacks: 0, bonaFide: 0, noFace: 0 };
    if (s.attack) c.attacks++;
    else c.bonaFide++;
    if (!s.crop) c.noFace++;
    counts[s.part] = c;
  }
  const reading = readLearningCurve(curve);
  const createdAt = new Date().toISOString();
  const meta: PassiveModelMeta = {
    format: PASSIVE_FORMAT,
    net: o.net,
    temperature,
    threshold,
    targetBpcer: o.targetBpcer,
    training: {
      createdAt,
      gitCommit: commit,
      seed: base.seed,
      options: { train: bestOptions, search: o.search, curveFractions: o.curveFractions },
      dataManifestSha256: listed.manifestSha256,
      splitParts: listed.splitParts.map((s) => ({ name: s.name, identities: s.identities.length, images: s.images, sha256: s.sha256 })),
      best: search.best,
      devRates: rates.filter((r) => r.part === 'dev'),
    },
  };
  const files = await savePassiveModel(o.out, net.params, meta);
  record(search.best, files[1]?.sha256 ?? '', {
    devLoss: search.best.devLoss,
    devError: search.best.devError,
    temperature,
    threshold,
    ...Object.fromEntries(
      rates
        .filter((r) => r.part === 'dev')
        .flatMap((r) => [
          [`${r.level} ${r.method} APCER`, r.apcer],
          [`${r.level} ${r.method} BPCER`, r.bpcer],
        ]),
    ),
  });
  disposeNet(net);
  const end = performance.now();
  return {
    tool: 'facelock train liveness',
    createdAt,
    gitCommit: commit,
    seed: base.seed,
    dataManifestSha256: listed.manifestSha256,
    counts,
    trials: search.trials,
    best: search.best,
    history: net.history,
    curve,
    reading,
    temperature,
    threshold,
    targetBpcer: o.targetBpcer,
    rates,
    files,
    seconds: {
      extract: (extracted - started) / 1000,
      search: (searched - extracted) / 1000,
      curve: (curved - searched) / 1000,
      total: (end - started) / 1000,
    },
  };
}

function sha256Bytes(b: Uint8Array): string {
  return sha256(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export const DEFAULT_TRAIN_LIVENESS = { search: DEFAULT_SEARCH, curveFractions: [0.25, 0.5, 1], targetBpcer: 0.05 } as const;
