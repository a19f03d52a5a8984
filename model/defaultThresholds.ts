import type { EmbedderName } from './loadFaceEngine.js';

/**
 * Cosine thresholds used until a calibration file exists: the operating point at FAR 1e-4 over all cross-identity
 * pairs of lfw-dev. faceplugin: 0.4206 over all 5 folds (5,373 images, 2,875,806 impostor pairs, `facelock calibrate
 * --pairs ../shared/datasets/lfw-dev`); dlibResnet: 0.939 on fold 1 (807 images, 324,290 impostor pairs, `npm run
 * bench`) and 0.9396 on folds 1-2 (1,583 images, 1.25 M pairs); faceres: 0.682 on folds 1-2 (docs/decisions.md). A
 * calibration made on the owner's camera replaces them.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<EmbedderName, number>> = {
  faceplugin: 0.42,
  dlibResnet: 0.94,
  faceres: 0.682,
};

/**
 * The grey camera's factory threshold: the strictest operating point at FAR 1e-4 over all cross-identity pairs of the
 * grey faces the team has (`facelock calibrate --pairs ../shared/datasets/lfw-dev --grey --grey-faces
 * ../shared/datasets/yalefaces,../shared/datasets/att_orl_faces`). faceplugin: lfw-dev turned grey 0.4238 (2,875,806
 * impostor pairs), Yale 0.3509, ORL 0.4615 (400 images of 40 people, 78,000 cross-identity pairs; at the colour
 * threshold 0.4198, 5.8e-4 of its probe-impostor comparisons match): 0.4615. The others were not measured: a grey camera on them uses their colour
 * threshold.
 */
export const DEFAULT_GREY_THRESHOLDS: Readonly<Partial<Record<EmbedderName, number>>> = {
  faceplugin: 0.4615,
};

export function defaultThreshold(embedder: string): number {
  const t = DEFAULT_THRESHOLDS[embedder as EmbedderName];
  if (t === undefined) throw new Error(`no default threshold for embedder ${embedder}`);
  return t;
}

/**
 * The lowest threshold a calibration file may set: the operating point at FAR 1e-2 per frame over lfw-dev's
 * cross-identity pairs (`facelock calibrate --pairs ../shared/datasets/lfw-dev --target-far 0.01 --embedder E`:
 * faceplugin 0.2527 over all 5 folds, 2,875,806 impostor pairs; dlibResnet 0.9076 and faceres 0.5903 on fold
 * 1, 689,383 pairs). Below it more than 1 stranger's frame in 100 would match on that data: no door operating point.
 */
export const THRESHOLD_FLOORS: Readonly<Record<EmbedderName, number>> = {
  faceplugin: 0.2527,
  dlibResnet: 0.9076,
  faceres: 0.5903,
};

/** The highest per-frame false accept rate a calibration file may be made for. */
export const MAX_CALIBRATION_FAR = 1e-2;

/** What is wrong with a calibrated operating point for a door, or undefined when it is within bounds. */
export function calibrationBoundsProblem(embedder: string, threshold: unknown, targetFar: unknown): string | undefined {
  const floor = THRESHOLD_FLOORS[embedder as EmbedderName];
  if (floor === undefined) return `embedder ${embedder} is not one facelock knows`;
  if (typeof targetFar !== 'number' || !(targetFar > 0 && targetFar <= MAX_CALIBRATION_FAR))
    return `target FAR ${targetFar} is outside (0, ${MAX_CALIBRATION_FAR}]: no door should accept more than 1 stranger's frame in 100`;
  if (typeof threshold !== 'number' || !(threshold >= floor && threshold < 1))
    return `threshold ${threshold} is outside [${floor}, 1) for ${embedder}: below ${floor} more than 1 in 100 strangers' frames match on lfw-dev`;
  return undefined;
}
