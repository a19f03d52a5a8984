import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLogistic, logLoss } from '../../calibration/logisticRegression.js';
import { sha256 } from '../../common/hashing.js';
import { fitTemperature } from '../../common/scoreCalibration.js';
import { linearLogit } from '../../model/liveness/texture/linearModel.js';
import { TEXTURE_FILE, TEXTURE_FORMAT, type TextureModelMeta } from '../../model/liveness/texture/textureModelFile.js';
import type { LivenessSample, SamplePart } from './livenessData.js';
import { thresholdForBpcer } from './livenessEvaluation.js';

export interface TextureTrainOptions {
  readonly side: number;
  /** L2 strengths tried; the one with the lowest dev log loss is kept. */
  readonly lambdas: readonly number[];
  readonly targetBpcer: number;
}

export interface TextureTrial {
  readonly lambda: number;
  readonly trainLoss: number;
  readonly devLoss: number;
}

export interface TexturePick {
  readonly meta: Omit<TextureModelMeta, 'training'>;
  readonly trials: TextureTrial[];
  /** p(live) of every sample with a face. */
  readonly probability: Map<LivenessSample, number>;
}

type WithTexture = LivenessSample & { texture: Float32Array };
const hasTexture = (s: LivenessSample): s is WithTexture => s.texture !== undefined;

/**
 * Fits the texture model: logistic regression on the training part's LBP features (NUAA train and the bona fide
 * training faces) for each L2 strength, kept by dev log loss (NUAA dev and the bona fide dev faces); temperature
 * scaling on the same dev set; the threshold for the target BPCER on NUAA dev's live frames (a live face before a
 * camera at door distance; the other cameras are the check of that threshold).
 */
export function pickTextureModel(samples: readonly LivenessSample[], o: TextureTrainOptions): TexturePick {
  const of = (...parts: SamplePart[]) => samples.filter((s): s is WithTexture => hasTexture(s) && parts.includes(s.part));
  const train = of('train', 'bona-fide');
  const dev = of('dev', 'bona-fide-dev');
  const labels = (ss: readonly WithTexture[]) => Uint8Array.from(ss.map((s) => (s.attack ? 0 : 1)));
  const features = (ss: readonly WithTexture[]) => ss.map((s) => s.texture);
  const trainX = features(train);
  const trainY = labels(train);
  const trials: TextureTrial[] = [];
  let best: { model: ReturnType<typeof fitLogistic>; devLoss: number } | undefined;
  for (const lambda of o.lambdas) {
    const model = fitLogistic(trainX, trainY, { lambda });
    const devLoss = logLoss(model, features(dev), labels(dev));
    trials.push({ lambda, trainLoss: logLoss(model, trainX, trainY), devLoss });
    if (!best || devLoss < best.devLoss) best = { model, devLoss };
  }
  if (!best) throw new RangeError('no L2 strength to try');
  const model = best.model;
  const logits = (ss: readonly WithTexture[]) => ss.map((s) => linearLogit(model, s.texture));
  const scaling = fitTemperature(logits(dev.filter((s) => !s.attack)), logits(dev.filter((s) => s.attack)), 0, true);
  const temperature = scaling.method === 'temperature' ? scaling.temperature : 1;
  const probability = new Map<LivenessSample, number>(
    samples.filter(hasTexture).map((s) => [s, 1 / (1 + Math.exp(-linearLogit(model, s.texture) / temperature))]),
  );
  const nuaaDevLive = of('dev').filter((s) => !s.attack);
  if (nuaaDevLive.length === 0) throw new RangeError('NUAA dev holds no live frame with a face: the threshold cannot be chosen');
  const threshold = thresholdForBpcer(
    nuaaDevLive.map((s) => probability.get(s) as number),
    o.targetBpcer,
  );
  return {
    meta: {
      format: TEXTURE_FORMAT,
      side: o.side,
      model,
      temperature,
      threshold: Math.min(Math.max(threshold, 1e-9), 1 - 1e-9),
      targetBpcer: o.targetBpcer,
    },
    trials,
    probability,
  };
}

/** Writes the texture model's file (atomically); returns its path and sha256 for the model manifest. */
export function saveTextureModel(dir: string, meta: TextureModelMeta): { path: string; sha256: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, TEXTURE_FILE);
  const bytes = Buffer.from(`${JSON.stringify(meta)}\n`);
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
  return { path: file, sha256: sha256(bytes) };
}
