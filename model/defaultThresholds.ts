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

export function defaultThreshold(embedder: string): number {
  const t = DEFAULT_THRESHOLDS[embedder as EmbedderName];
  if (t === undefined) throw new Error(`no default threshold for embedder ${embedder}`);
  return t;
}
