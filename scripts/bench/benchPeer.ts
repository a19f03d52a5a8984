import { allPairsScores, type LabelledEmbedding } from '../../calibration/allPairsScores.js';
import type { FaceApiPeer } from '../../calibration/faceApiPeer.js';
import { rocAuc, tarAtFar } from '../../calibration/verificationMetrics.js';
import { decodeImageFile } from '../../model/image/decodeImage.js';
import { summary } from './stats.js';

/** The peer's detection alone and its whole chain (detect, landmarks, descriptor) over the bench images. */
export async function peerLatency(peer: FaceApiPeer, images: readonly string[], repeats: number) {
  const total: number[] = [];
  const detect: number[] = [];
  for (const file of images) await peer.analyze(await decodeImageFile(file)); // warm-up
  for (let r = 0; r < repeats; r++) {
    for (const file of images) {
      const p = await peer.analyze(await decodeImageFile(file));
      detect.push(p.detectMs);
      if (p.found) total.push(p.totalMs);
    }
  }
  return { detect: summary(detect), total: summary(total) };
}

/** All-pairs separation of labelled embeddings: AUC and TAR at FAR 1e-3 and 1e-4, missed faces as rejects. */
export function separation(items: readonly LabelledEmbedding[], sim: (a: Float32Array, b: Float32Array) => number) {
  const s = allPairsScores(items, sim);
  const at = (far: number) => {
    const p = tarAtFar(s.genuine, s.impostor, far);
    return { tar: Math.round(p.tar * 1000) / 1000, threshold: Math.round(p.threshold * 10000) / 10000, resolvable: p.resolvable };
  };
  return {
    images: items.length,
    noFace: s.failedToEnrol,
    genuinePairs: s.genuine.length,
    impostorPairs: s.impostor.length,
    auc: Math.round(rocAuc(s.genuine, s.impostor) * 10000) / 10000,
    far1e3: at(1e-3),
    far1e4: at(1e-4),
  };
}
