import { gitCommit } from '../../calibration/runCalibration.js';
import { appendExperiment } from '../../common/experimentRegistry.js';
import { sha256 } from '../../common/hashing.js';
import { fitTemperature } from '../../common/scoreCalibration.js';
import { seededRandom } from '../../common/seededRandom.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import { PASSIVE_FORMAT, type PassiveModelMeta } from '../../model/liveness/passive/passiveModelFile.js';
import { type PassiveNetConfig, weightsHash } from '../../model/liveness/passive/passiveNet.js';
import type { AugmentOptions } from './augment.js';
import { disposeNet, type SearchOptions, searchHyperparameters, type Trial } from './hyperSearch.js';
import { type CurvePoint, learningCurve, readLearningCurve } from './learningCurve.js';
import {
  extractSamples,
  type LivenessData,
  type LivenessDataOptions,
  type LivenessSample,
  listLivenessData,
  type SamplePart,
  toCropSet,
} from './livenessData.js';
import { countsByPart, type FusionRule, livenessRates, type RateRow, thresholdForBpcer } from './livenessEvaluation.js';
import { savePassiveModel } from './savePassiveModel.js';
import { type EpochRecord, predictLogits, type TrainedNet, type TrainOptions } from './trainPassiveNet.js';
import { pickTextureModel, saveTextureModel, type TexturePick, type TextureTrainOptions, type TextureTrial } from './trainTextureModel.js';

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
  /** The texture (LBP) model fitted beside the net. */
  readonly texture: Omit<TextureTrainOptions, 'targetBpcer'>;
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
  readonly texture: { trials: TextureTrial[]; lambda: number; temperature: number; threshold: number; side: number };
  readonly files: { path: string; sha256: string }[];
  readonly seconds: { extract: number; search: number; curve: number; total: number };
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
  const total = listed.samples.length;
  const samples = await extractSamples(
    engine,
    listed.samples,
    (n) => {
      if (n % 100 === 0 || n === total) progress('faces', `${n}/${total} images`);
    },
    o.texture.side,
  );
  const extracted = performance.now();
  const of = (...parts: SamplePart[]) => samples.filter((s) => parts.includes(s.part));
  const trainSet = toCropSet(of('train', 'bona-fide'));
  const devSet = toCropSet(of('dev', 'bona-fide-dev'));
  const base: TrainOptions = { ...o.train, net: o.net, augment: o.augment };
  const commit = gitCommit();
  const record = registryRecorder(o, base, commit, listed.manifestSha256);
  const search = searchHyperparameters(trainSet, devSet, base, o.search, trialReporter(progress, record));
  const searched = performance.now();
  const { net } = search;
  const bestOptions: TrainOptions = { ...base, learningRate: search.best.learningRate, weightDecay: search.best.weightDecay };
  const curve = learningCurve(trainSet, devSet, net, bestOptions, o.curveFractions, seededRandom(base.seed + 7), (d) =>
    progress('curve', d),
  );
  const curved = performance.now();

  const { temperature, threshold, prob } = operatingPoint(predictLogits(net.params, o.net, devSet), devSet.labels, o.targetBpcer);
  const texture = pickTextureModel(samples, { ...o.texture, targetBpcer: o.targetBpcer });
  const textureLive = (s: LivenessSample) => (texture.probability.get(s) ?? 0) >= texture.meta.threshold;
  const rates = trainedRates(net.params, o, samples, prob, threshold, textureLive);
  const counts = countsByPart(samples);
  const reading = readLearningCurve(curve);
  const createdAt = new Date().toISOString();
  const meta = passiveMeta(o, { temperature, threshold, bestOptions, best: search.best, rates }, { createdAt, commit, listed });
  const files = await savePassiveModel(o.out, net.params, meta);
  record(search.best, files[1]?.sha256 ?? '', finalMetrics(search.best, temperature, threshold, rates));
  const textureSummary = saveTexture(o, texture, rates, { createdAt, commit, manifestSha256: listed.manifestSha256 });
  files.push(textureSummary.file);
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
    texture: textureSummary.summary,
    files,
    seconds: {
      extract: (extracted - started) / 1000,
      search: (searched - extracted) / 1000,
      curve: (curved - searched) / 1000,
      total: (end - started) / 1000,
    },
  };
}

/** What is saved beside the passive net's weights: its calibration, operating point and training record. */
function passiveMeta(
  o: TrainLivenessOptions,
  fit: { temperature: number; threshold: number; bestOptions: TrainOptions; best: Trial; rates: readonly RateRow[] },
  made: { createdAt: string; commit: string; listed: Omit<LivenessData, 'samples'> },
): PassiveModelMeta {
  return {
    format: PASSIVE_FORMAT,
    net: o.net,
    temperature: fit.temperature,
    threshold: fit.threshold,
    targetBpcer: o.targetBpcer,
    training: {
      createdAt: made.createdAt,
      gitCommit: made.commit,
      seed: o.train.seed,
      options: { train: fit.bestOptions, search: o.search, curveFractions: o.curveFractions },
      dataManifestSha256: made.listed.manifestSha256,
      splitParts: made.listed.splitParts.map((s) => ({
        name: s.name,
        identities: s.identities.length,
        images: s.images,
        sha256: s.sha256,
      })),
      best: fit.best,
      devRates: fit.rates.filter((r) => r.part === 'dev'),
    },
  };
}

/** Saves the texture model with its training record, and records it in the experiment registry. */
function saveTexture(
  o: TrainLivenessOptions,
  texture: TexturePick,
  rates: readonly RateRow[],
  made: { createdAt: string; commit: string; manifestSha256: string },
): { file: { path: string; sha256: string }; summary: TrainLivenessReport['texture'] } {
  const lambda = texture.trials.reduce((a, b) => (b.devLoss < a.devLoss ? b : a)).lambda;
  const textureRates = rates.filter((r) => r.method.includes('texture'));
  const file = saveTextureModel(o.out, {
    ...texture.meta,
    training: {
      createdAt: made.createdAt,
      gitCommit: made.commit,
      dataManifestSha256: made.manifestSha256,
      trials: texture.trials,
      lambda,
      devRates: textureRates.filter((r) => r.part === 'dev'),
    },
  });
  const { temperature, threshold, side } = texture.meta;
  if (o.registry)
    appendExperiment(o.registry, {
      kind: 'train-liveness',
      at: new Date().toISOString(),
      gitCommit: made.commit,
      seed: o.train.seed,
      options: { texture: o.texture, targetBpcer: o.targetBpcer },
      model: 'texture liveness (LBP histograms, logistic regression)',
      modelHash: file.sha256,
      dataManifestSha256: made.manifestSha256,
      attackManifestSha256: made.manifestSha256,
      metrics: { lambda, temperature, threshold, ...devMetrics(textureRates) },
      report: null,
    });
  return { file, summary: { trials: texture.trials, lambda, temperature, threshold, side } };
}

/** Each search trial as a progress line and a registry entry. */
function trialReporter(
  progress: (stage: string, detail: string) => void,
  record: ReturnType<typeof registryRecorder>,
): (t: Trial, net: TrainedNet) => void {
  return (t, net) => {
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
  };
}

/** Every sample's calibrated probability from the trained net, and the rates of each method at the threshold. */
function trainedRates(
  params: TrainedNet['params'],
  o: TrainLivenessOptions,
  samples: readonly LivenessSample[],
  prob: (logit: number) => number,
  threshold: number,
  texture: (s: LivenessSample) => boolean,
): RateRow[] {
  const withCrop = samples.filter((s) => s.crop !== undefined);
  const allLogits = predictLogits(params, o.net, toCropSet(withCrop));
  const p = new Map<LivenessSample, number>(withCrop.map((s, i) => [s, prob(allLogits[i] as number)]));
  return livenessRates(samples, (s) => (p.get(s) ?? 0) >= threshold, o.rule, texture);
}

/** The registry's numbers of the shipped model: the winning trial, its calibration and every dev rate. */
function finalMetrics(best: Trial, temperature: number, threshold: number, rates: readonly RateRow[]): Record<string, number | null> {
  return {
    devLoss: best.devLoss,
    devError: best.devError,
    temperature,
    threshold,
    ...devMetrics(rates),
  };
}

/** Every dev rate as a registry metric. */
function devMetrics(rates: readonly RateRow[]): Record<string, number | null> {
  return Object.fromEntries(
    rates
      .filter((r) => r.part === 'dev')
      .flatMap((r) => [
        [`${r.level} ${r.method} APCER`, r.apcer],
        [`${r.level} ${r.method} BPCER`, r.bpcer],
      ]),
  );
}

/** Every trial, and the final model, as a line of the experiment registry (when there is one). */
function registryRecorder(o: TrainLivenessOptions, base: TrainOptions, commit: string, manifestSha256: string) {
  return (t: Trial, hash: string, metrics: Record<string, number | null>): void => {
    if (!o.registry) return;
    appendExperiment(o.registry, {
      kind: 'train-liveness',
      at: new Date().toISOString(),
      gitCommit: commit,
      seed: base.seed + t.index,
      options: { stage: t.stage, learningRate: t.learningRate, weightDecay: t.weightDecay, net: o.net, augment: o.augment, train: o.train },
      model: `passive liveness ${t.stage} trial ${t.index}`,
      modelHash: hash,
      dataManifestSha256: manifestSha256,
      attackManifestSha256: manifestSha256,
      metrics,
      report: null,
    });
  };
}

/** Temperature scaling and the threshold for the target BPCER, both on dev. */
function operatingPoint(devLogits: Float32Array, labels: Uint8Array, targetBpcer: number) {
  const live = [...devLogits].filter((_, i) => labels[i] === 1);
  const attack = [...devLogits].filter((_, i) => labels[i] === 0);
  // dev is often separated perfectly: hard targets would drive T to 0 (probabilities of exactly 0 and 1)
  const scaling = fitTemperature(live, attack, 0, true);
  const temperature = scaling.method === 'temperature' ? scaling.temperature : 1;
  const prob = (z: number) => 1 / (1 + Math.exp(-z / temperature));
  return { temperature, threshold: thresholdForBpcer(live.map(prob), targetBpcer), prob };
}

function sha256Bytes(b: Uint8Array): string {
  return sha256(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
