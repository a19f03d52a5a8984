import type { Box } from '../model/geometry.js';

/**
 * The face a labelled image is labelled for: the one whose box centre is nearest the image centre. LFW's images are
 * centred on the face they name (and deep-funneled on it), NUAA's frames hold one subject; a bystander in the photo,
 * however large, is not the labelled person. Measuring the largest face instead scored other people as the label and
 * counted their mismatch as an embedder error (39 of lfw-dev's 402 multi-face images, 1.3 points of TAR at FAR 1e-3).
 * The door picks the largest face and turns away a frame with a second large one (device/pipeline/doorStages.ts).
 */
export function labelledFace<F>(faces: readonly F[], boxOf: (f: F) => Box, image: { width: number; height: number }): F | undefined {
  const cx = image.width / 2;
  const cy = image.height / 2;
  let best: F | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const f of faces) {
    const b = boxOf(f);
    const d = Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
    if (d < bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}
