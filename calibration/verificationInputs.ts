import type { ImageResult } from './foldPairs.js';
import type { ImageFeatures } from './imageFeatures.js';

/** Each image's embedding and conditions by its path in the dataset. */
export function imageResults(paths: readonly string[], features: readonly ImageFeatures[]): Map<string, ImageResult> {
  return new Map(paths.map((p, i) => [p, { path: p, embedding: features[i]?.embedding, conditions: features[i]?.conditions }]));
}

/** How a calibration measures verification: its target, fusion, seed and bootstrap; one template per user. */
/** What verification needs of a calibration's options. */
export interface VerificationChoices {
  readonly targetFar: number;
  readonly k: number;
  readonly n: number;
  readonly seed: number;
  readonly bootstrap: number;
}

export function verificationOptions(o: VerificationChoices) {
  return {
    targetFar: o.targetFar,
    k: o.k,
    n: o.n,
    seed: o.seed,
    bootstrapReplicates: o.bootstrap,
    doorTemplates: 1,
    doorImpostorApproaches: 20_000,
  };
}
