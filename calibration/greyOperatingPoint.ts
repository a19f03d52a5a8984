import { join, resolve } from 'node:path';
import { allPairsScores } from './allPairsScores.js';
import type { GreyReport } from './calibrationReport.js';
import { evaluateVerification, scoreFolds, type VerificationReport } from './evaluateVerification.js';
import type { PoolResult } from './featurePool.js';
import type { ImageResult, Similarity } from './foldPairs.js';
import { type GreyFaceSet, ratesByCondition } from './greyFaceSets.js';
import { type EvaluatedModel, similarityOf } from './imageFeatures.js';
import type { LfwDataset } from './lfwDataset.js';
import { imageResults, type VerificationChoices, verificationOptions } from './verificationInputs.js';
import { tarAtFar } from './verificationMetrics.js';

/** The calibration's feature extraction, asked for grey images. */
type GreyExtract = (what: string, files: string[], liveness: boolean, grey: boolean) => Promise<PoolResult>;

/**
 * The grey camera's operating point: every image of the pairs turned grey (the camera's luma) and measured as the
 * colour faces were (all pairs, held-out folds, door rates); the colour threshold's rates on the same grey pairs; and
 * per-condition FRR and FAR on grey datasets at both thresholds.
 */
export async function greyOperatingPoint(
  o: VerificationChoices & { readonly model: EvaluatedModel },
  pairsDir: string,
  dataset: LfwDataset,
  colour: VerificationReport,
  sets: readonly GreyFaceSet[],
  extract: GreyExtract,
): Promise<GreyReport> {
  const dir = resolve(pairsDir);
  const paths = dataset.folds.flatMap((f) => f.images);
  const r = await extract(
    'lfw grey',
    paths.map((p) => join(dir, p)),
    false,
    true,
  );
  const images = imageResults(paths, r.features);
  const similarity = similarityOf(o.model);
  const verification = evaluateVerification(dataset, images, similarity, verificationOptions(o));
  const colourThreshold = colour.operating.threshold;
  const faces = [];
  for (const set of sets) {
    const f = await extract(
      `${set.name} grey`,
      set.faces.map((x) => x.path),
      false,
      true,
    );
    const embeddings = f.features.map((x) => x.embedding);
    const all = allPairsScores(
      set.faces.map((x, i) => ({ identity: x.identity, embedding: embeddings[i] })),
      similarity,
    );
    faces.push({ set, embeddings, own: tarAtFar(all.genuine, all.impostor, o.targetFar) });
  }
  // the door fails secure: the strictest threshold any of the grey data asks for the target FAR
  const candidates = [
    { from: 'the pairs turned grey', threshold: verification.operating.threshold },
    ...faces.filter((m) => m.own.resolvable).map((m) => ({ from: m.set.name, threshold: m.own.threshold })),
  ];
  const chosen = candidates.reduce((a, b) => (b.threshold > a.threshold ? b : a));
  // each set at the colour threshold, at the grey pairs' own and at the one written (when it is another)
  const thresholds: Record<string, number> = { colour: colourThreshold, 'grey pairs': verification.operating.threshold };
  if (chosen.threshold !== verification.operating.threshold) thresholds.written = chosen.threshold;
  const measured = faces.map(({ set, embeddings, own }) => ({
    name: set.name,
    dir: set.dir,
    people: new Set(set.faces.map((x) => x.identity)).size,
    images: set.faces.length,
    noFace: embeddings.filter((e) => !e).length,
    enrolledFrom: set.enrolledFrom,
    byThreshold: ratesByCondition(set, embeddings, similarity, thresholds),
    ownOperatingPoint: own,
  }));
  return {
    verification,
    chosen,
    colourThresholdOnGrey: { threshold: colourThreshold, ...ratesAtThreshold(dataset, images, similarity, colourThreshold) },
    sets: measured,
  };
}

/**
 * FAR and TAR over all same- and cross-identity pairs of every fold at a threshold chosen elsewhere (the colour
 * faces' threshold measured on the same faces turned grey); a missed face is a reject.
 */
function ratesAtThreshold(
  dataset: LfwDataset,
  images: ReadonlyMap<string, ImageResult>,
  similarity: Similarity,
  threshold: number,
): { far: number; tar: number; impostorPairs: number; genuinePairs: number } {
  const { foldScores } = scoreFolds(dataset, images, similarity);
  let accepted = 0;
  let impostors = 0;
  let matched = 0;
  let genuine = 0;
  for (const f of foldScores) {
    for (const s of f.impostor) if (s > threshold) accepted++;
    for (const s of f.genuine) if (s > threshold) matched++;
    impostors += f.impostor.length;
    genuine += f.genuine.length;
  }
  return { far: accepted / Math.max(1, impostors), tar: matched / Math.max(1, genuine), impostorPairs: impostors, genuinePairs: genuine };
}
