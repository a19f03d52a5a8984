import type { EmbedderName } from './loadFaceEngine.js';

/**
 * Cosine thresholds used until a calibration file exists: the operating point at FAR 1e-4 over all
 * cross-identity pairs of a 1,583-image lfw-dev sample (folds 1-2 of pairs.txt; 1.25 M impostor pairs), measured
 * with `npm run bench` (docs/decisions.md). A calibration made on the owner's data replaces them.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<EmbedderName, number>> = {
  dlibResnet: 0.94,
  faceres: 0.682,
};

export function defaultThreshold(embedder: string): number {
  const t = DEFAULT_THRESHOLDS[embedder as EmbedderName];
  if (t === undefined) throw new Error(`no default threshold for embedder ${embedder}`);
  return t;
}
