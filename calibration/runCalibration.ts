import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DatasetError } from '../common/errors.js';
import { sha256 } from '../common/hashing.js';
import type { Logger } from '../common/logger.js';
import { projectRoot } from '../common/projectRoot.js';
import type { BackendChoice } from '../model/backend.js';
import type { DetectorName, EmbedderName } from '../model/loadFaceEngine.js';
import { type LivenessResult, livenessErrors } from './attackData.js';
import type { CalibrationReport } from './calibrationReport.js';
import { evaluateVerification } from './evaluateVerification.js';
import type { FeatureCache } from './featureCache.js';
import { extractFeatures, type Progress } from './featurePool.js';
import { readGreyFaceSet } from './greyFaceSets.js';
import { greyOperatingPoint } from './greyOperatingPoint.js';
import { type EvaluatedModel, similarityOf } from './imageFeatures.js';
import { type LfwDataset, readLfwDataset } from './lfwDataset.js';
import { padRatesByPart } from './padRatesByPart.js';
import { type PresentationSet, presentationParts, readPresentationSet } from './presentationSet.js';
import { checkSplit, findSplit, lfwSplitParts, type SplitManifest } from './splitManifest.js';
import { imageResults, verificationOptions } from './verificationInputs.js';

/** Which of a presentation's liveness scores the door uses (liveness.model texture, trained, shipped). */
export type LiveScore = 'live' | 'passive' | 'antispoof';

export interface CalibrationOptions {
  readonly pairs?: string;
  readonly attacks?: string;
  /** Also the grey camera's operating point: the pairs turned grey; and grey datasets (Yale, ORL) by condition. */
  readonly grey?: boolean;
  readonly greyFaces?: readonly string[];
  readonly folds?: readonly number[];
  readonly model: EvaluatedModel;
  readonly embedder: EmbedderName;
  readonly detector: DetectorName;
  readonly backend: BackendChoice;
  readonly workers?: number;
  readonly targetFar: number;
  readonly k: number;
  readonly n: number;
  /** The door's liveness score: the texture model's p(live), the trained net's, or the shipped antispoof score. */
  readonly liveScore: LiveScore;
  /** That score at or above which a presentation counts as live. */
  readonly liveThreshold: number;
  readonly seed: number;
  readonly bootstrap: number;
  /** The door operating point: templates per user and the door-level FAR its threshold is chosen for. */
  readonly doorAt?: { readonly templates: number; readonly targetFar: number };
  readonly cache?: FeatureCache;
  readonly onProgress?: (what: string, p: Progress) => void;
  /** Told as each step with no count starts (scoring the pairs, the liveness rates), so no step is silent. */
  readonly onPhase?: (text: string) => void;
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

/**
 * One calibration run: features of every image (cached, in worker threads), verification error rates on LFW-format
 * pairs, liveness error rates on NUAA-format presentations. Returns the report and the frozen-split manifests the
 * data would have (to freeze them with --freeze-split).
 */
export async function runCalibration(o: CalibrationOptions): Promise<{ report: CalibrationReport; splits: SplitManifest[] }> {
  const started = performance.now();
  const description =
    o.model === 'facelock'
      ? `facelock ${o.embedder}${o.detector === 'blazeface' ? '' : ` on ${o.detector}`}`
      : `face-api.js 1.7.15 (${o.model === 'face-api-ssd' ? 'ssdMobilenetv1' : 'tinyFaceDetector'} + faceLandmark68Net + faceRecognitionNet, 128-d)`;
  const splits: SplitManifest[] = [];
  // every input is read and checked before minutes of feature extraction start on any of them
  if (o.attacks && o.model !== 'facelock') throw new DatasetError(`--attacks needs facelock's liveness networks; ${o.model} has none`);
  const lfw = o.pairs ? readLfwDataset(resolve(o.pairs), o.folds) : undefined;
  const presentations = o.attacks ? readPresentationSet(o.attacks) : undefined;
  const { extract, totals } = featureRunner(o);
  const greySets = (o.greyFaces ?? []).map((d) => readGreyFaceSet(resolve(d)));
  if (greySets.length > 0 && !o.grey) throw new DatasetError('--grey-faces measures the grey operating point: give --grey with it');
  const pairs = o.pairs && lfw ? await verifyPairs(o, o.pairs, lfw, extract, splits) : undefined;
  const grey =
    o.grey && o.pairs && lfw && pairs ? await greyOperatingPoint(o, o.pairs, lfw, pairs.verification, greySets, extract) : undefined;
  const liveness = o.attacks && presentations ? await measureAttacks(o, presentations, extract, splits) : undefined;
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
      detector: o.model === 'facelock' ? o.detector : null,
      targetFar: o.targetFar,
      grey: o.grey ?? false,
      greyFaces: o.greyFaces?.join(',') ?? null,
      k: o.k,
      n: o.n,
      liveScore: o.liveScore,
      liveThreshold: o.liveThreshold,
      bootstrap: o.bootstrap,
      doorTemplates: o.doorAt?.templates ?? null,
      doorFar: o.doorAt?.targetFar ?? null,
    },
    model: { name: o.model, description, modelHash: totals.modelHash },
    ...(pairs ? { data: pairs.data } : {}),
    timing: {
      wallSeconds: (performance.now() - started) / 1000,
      embedSeconds: totals.embedSeconds,
      workers: totals.workers,
      cachedImages: totals.cachedImages,
      computedImages: totals.computedImages,
    },
    ...(pairs ? { verification: pairs.verification } : {}),
    ...(grey ? { grey } : {}),
    ...(liveness ? { liveness } : {}),
    calibrationFile: null,
  };
  return { report, splits };
}

/** Runs the feature extraction of a calibration and adds up what it cost (for the report's timing). */
function featureRunner(o: CalibrationOptions) {
  const totals = { embedSeconds: 0, cachedImages: 0, computedImages: 0, workers: 0, modelHash: '' };
  const extract = async (what: string, files: string[], liveness: boolean, grey = false) => {
    const t = performance.now();
    const r = await extractFeatures(files, {
      model: o.model,
      backend: o.backend,
      embedder: o.embedder,
      detector: o.detector,
      liveness,
      grey,
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(o.cache ? { cache: o.cache } : {}),
      onProgress: (p) => o.onProgress?.(what, p),
    });
    totals.embedSeconds += (performance.now() - t) / 1000;
    totals.cachedImages += r.cached;
    totals.computedImages += files.length - r.cached;
    totals.workers = Math.max(totals.workers, r.workers);
    totals.modelHash = r.modelHash;
    return r;
  };

  return { extract, totals };
}

type Extract = ReturnType<typeof featureRunner>['extract'];

/** Verification error rates on an LFW-format folder, checked against its frozen split. */
async function verifyPairs(o: CalibrationOptions, pairsDir: string, dataset: LfwDataset, extract: Extract, splits: SplitManifest[]) {
  const dir = resolve(pairsDir);
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
  if (unreadable.length > 0) o.log.warn('unreadable images count as failures to enrol', { count: unreadable.length, first: unreadable[0] });
  const images = imageResults(paths, r.features);
  o.onPhase?.(
    `verification: every pair of ${paths.length} images scored, thresholds per fold${o.bootstrap > 0 ? `, ${o.bootstrap} bootstrap resamples` : ''}`,
  );
  const verification = evaluateVerification(dataset, images, similarityOf(o.model), {
    ...verificationOptions(o),
    ...(o.doorAt ? { doorAt: { ...o.doorAt, impostorApproaches: Math.ceil(10 / o.doorAt.targetFar) } } : {}),
  });
  const data = {
    dir,
    listSha256,
    manifestSha256: sha256(`${listSha256}\n${parts.map((p) => `${p.name} ${p.sha256}`).join('\n')}`),
    split: frozen ? relative(projectRoot(), frozen.file) : null,
    images: paths.length,
    folds: dataset.folds.map((f) => f.fold),
  };
  return { data, verification };
}

/**
 * Liveness error rates on labelled presentations (NUAA, Replay-Attack or a door's own folder), checked against their
 * frozen split: the headline (APCER, BPCER, DET) on the part of people (and a day) the models were not fitted on; and
 * ISO/IEC 30107-3 rates with 95% intervals per part, per frame and per approach (k of n consecutive frames of a
 * recording), each attack species apart.
 */
async function measureAttacks(
  o: CalibrationOptions,
  set: PresentationSet,
  extract: Extract,
  splits: SplitManifest[],
): Promise<NonNullable<CalibrationReport['liveness']>> {
  const { dir, presentations, listSha256, headlinePart } = set;
  const r = await extract(
    'attacks',
    presentations.map((p) => p.file),
    true,
  );
  const parts = presentationParts(set, r.imageHashes);
  splits.push({ dataset: set.layout === 'door' ? 'door' : set.layout === 'nuaa' ? 'nuaa' : 'replay-attack', listSha256, parts });
  const frozen = findSplit(listSha256);
  if (frozen) checkSplit(frozen, parts);
  o.onPhase?.(`liveness: error rates per part, species and approach (${presentations.length} presentations)`);
  const scored = presentations.map((p, i) => ({
    ...p,
    score: r.features[i]?.found ? r.features[i]?.[o.liveScore] : undefined,
  }));
  const result: LivenessResult = livenessErrors(
    scored.filter((s) => s.part === headlinePart),
    o.liveThreshold,
  );
  return {
    ...result,
    part: headlinePart,
    byPart: padRatesByPart(scored, o.liveThreshold, { k: o.k, n: o.n }),
    dir,
    listSha256,
    manifestSha256: sha256(`${listSha256}\n${parts.map((p) => `${p.name} ${p.sha256}`).join('\n')}`),
    subjects: new Set(presentations.map((p) => p.subject)).size,
  };
}
