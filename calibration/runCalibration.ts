import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DatasetError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { BackendChoice } from '../model/backend.js';
import type { EmbedderName } from '../model/loadFaceEngine.js';
import { projectRoot } from '../model/packageFiles.js';
import { type LivenessResult, livenessErrors, readAttackDataset } from './attackData.js';
import type { CalibrationReport } from './calibrationReport.js';
import { evaluateVerification } from './evaluateVerification.js';
import type { FeatureCache } from './featureCache.js';
import { extractFeatures, type Progress } from './featurePool.js';
import type { ImageResult } from './foldPairs.js';
import { type EvaluatedModel, similarityOf } from './imageFeatures.js';
import { readLfwDataset } from './lfwDataset.js';
import { checkSplit, findSplit, lfwSplitParts, nuaaParts, type SplitManifest, sha256 } from './splitManifest.js';

export interface CalibrationOptions {
  readonly pairs?: string;
  readonly attacks?: string;
  readonly folds?: readonly number[];
  readonly model: EvaluatedModel;
  readonly embedder: EmbedderName;
  readonly backend: BackendChoice;
  readonly workers?: number;
  readonly targetFar: number;
  readonly k: number;
  readonly n: number;
  /** p(live) of the trained liveness model at or above which a presentation counts as live. */
  readonly liveThreshold: number;
  readonly seed: number;
  readonly bootstrap: number;
  readonly cache?: FeatureCache;
  readonly onProgress?: (what: string, p: Progress) => void;
  readonly log: Logger;
}

export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: projectRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return process.env.FACELOCK_COMMIT ?? 'unknown';
  }
}

/** The split parts of a dataset: LFW folds, or NUAA subjects split into train and dev (every 4th subject is dev). */
/**
 * One calibration run: features of every image (cached, in worker threads), verification error rates on LFW-format
 * pairs, liveness error rates on NUAA-format presentations. Returns the report and the frozen-split manifests the
 * data would have (to freeze them with --freeze-split).
 */
export async function runCalibration(o: CalibrationOptions): Promise<{ report: CalibrationReport; splits: SplitManifest[] }> {
  const started = performance.now();
  let embedSeconds = 0;
  let cachedImages = 0;
  let computedImages = 0;
  let workers = 0;
  let modelHash = '';
  const description =
    o.model === 'facelock'
      ? `facelock ${o.embedder}`
      : 'face-api.js 1.7.15 (tinyFaceDetector + faceLandmark68Net + faceRecognitionNet, 128-d)';
  const splits: SplitManifest[] = [];
  const extract = async (what: string, files: string[], liveness: boolean) => {
    const t = performance.now();
    const r = await extractFeatures(files, {
      model: o.model,
      backend: o.backend,
      embedder: o.embedder,
      liveness,
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(o.cache ? { cache: o.cache } : {}),
      onProgress: (p) => o.onProgress?.(what, p),
    });
    embedSeconds += (performance.now() - t) / 1000;
    cachedImages += r.cached;
    computedImages += files.length - r.cached;
    workers = Math.max(workers, r.workers);
    modelHash = r.modelHash;
    return r;
  };

  let data: CalibrationReport['data'];
  let verification: CalibrationReport['verification'];
  if (o.pairs) {
    const dir = resolve(o.pairs);
    const dataset = readLfwDataset(dir, o.folds);
    const listSha256 = sha256(readFileSync(join(dir, 'pairs.txt')));
    const paths = dataset.folds.flatMap((f) => f.images);
    const r = await extract(
      'lfw',
      paths.map((p) => join(dir, p)),
      false,
    );
    const parts = lfwSplitParts(dataset, r.imageHashes);
    splits.push({ dataset: 'lfw', listSha256, parts });
    const frozen = findSplit(listSha256);
    if (frozen) checkSplit(frozen, parts);
    else o.log.warn('no frozen split for this pairs.txt: the numbers are not comparable with the team registry', { dir });
    const unreadable = paths.flatMap((p, i) => (r.features[i]?.error ? [`${p}: ${r.features[i]?.error}`] : []));
    if (unreadable.length > 0)
      o.log.warn('unreadable images count as failures to enrol', { count: unreadable.length, first: unreadable[0] });
    const images = new Map<string, ImageResult>(
      paths.map((p, i) => [p, { path: p, embedding: r.features[i]?.embedding, conditions: r.features[i]?.conditions }]),
    );
    verification = evaluateVerification(dataset, images, similarityOf(o.model), {
      targetFar: o.targetFar,
      k: o.k,
      n: o.n,
      seed: o.seed,
      bootstrapReplicates: o.bootstrap,
      doorTemplates: 1,
      doorImpostorApproaches: 20_000,
    });
    data = {
      dir,
      listSha256,
      manifestSha256: sha256(`${listSha256}\n${parts.map((p) => `${p.name} ${p.sha256}`).join('\n')}`),
      split: frozen ? relative(projectRoot(), frozen.file) : null,
      images: paths.length,
      folds: dataset.folds.map((f) => f.fold),
    };
  }

  let liveness: CalibrationReport['liveness'];
  if (o.attacks) {
    if (o.model !== 'facelock') throw new DatasetError(`--attacks needs facelock's liveness networks; ${o.model} has none`);
    const dir = resolve(o.attacks);
    const presentations = readAttackDataset(dir);
    const r = await extract(
      'attacks',
      presentations.map((p) => p.file),
      true,
    );
    const result: LivenessResult = livenessErrors(
      presentations.map((p, i) => ({ attack: p.attack, score: r.features[i]?.found ? r.features[i]?.live : undefined })),
      o.liveThreshold,
    );
    const listSha256 = sha256(['client_train_raw.txt', 'imposter_train_raw.txt'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'));
    const parts = nuaaParts(presentations, dir, r.imageHashes);
    splits.push({ dataset: 'nuaa', listSha256, parts });
    const frozen = findSplit(listSha256);
    if (frozen) checkSplit(frozen, parts);
    liveness = {
      ...result,
      dir,
      listSha256,
      manifestSha256: sha256(`${listSha256}\n${parts.map((p) => `${p.name} ${p.sha256}`).join('\n')}`),
      subjects: new Set(presentations.map((p) => p.subject)).size,
    };
  }
  const report: CalibrationReport = {
    tool: 'facelock calibrate',
    createdAt: new Date().toISOString(),
    gitCommit: gitCommit(),
    seed: o.seed,
    options: {
      pairs: o.pairs ?? null,
      attacks: o.attacks ?? null,
      folds: o.folds?.join(',') ?? 'all',
      model: o.model,
      embedder: o.model === 'facelock' ? o.embedder : null,
      targetFar: o.targetFar,
      k: o.k,
      n: o.n,
      liveThreshold: o.liveThreshold,
      bootstrap: o.bootstrap,
    },
    model: { name: o.model, description, modelHash },
    ...(data ? { data } : {}),
    timing: { wallSeconds: (performance.now() - started) / 1000, embedSeconds, workers, cachedImages, computedImages },
    ...(verification ? { verification } : {}),
    ...(liveness ? { liveness } : {}),
    calibrationFile: null,
  };
  return { report, splits };
}
