import type { RgbImage } from '../image/rgbImage.js';

/** Image measurements of an aligned face crop. */
export interface FaceQuality {
  /** Mean luminance 0-255. */
  readonly luminance: number;
  /** Standard deviation of luminance: low in fog, glare or a flat, underexposed face. */
  readonly contrast: number;
  /** Variance of the Laplacian of luminance: low when the face is blurred. */
  readonly sharpness: number;
  /** Fraction of the face's pixels at black or white (luminance <= 5 or >= 250): over- or under-exposure. */
  readonly clipped: number;
  /** (right half - left half) / mean luminance of the crop as seen: about 0 for frontal light, large for side light. */
  readonly lightSide: number;
  /** Mean |R-G| + |G-B| (0-510): about 0 for a grey or infrared (night mode) picture. */
  readonly colourfulness: number;
}

/** Luminance statistics and Laplacian variance of a crop (the centre 70%, away from hair and background). */
export function measureQuality(crop: RgbImage): FaceQuality {
  const { width: w, height: h, data } = crop;
  const y = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) y[i] = 0.299 * (data[3 * i] ?? 0) + 0.587 * (data[3 * i + 1] ?? 0) + 0.114 * (data[3 * i + 2] ?? 0);
  const x0 = Math.floor(w * 0.15);
  const x1 = Math.ceil(w * 0.85);
  const y0 = Math.floor(h * 0.15);
  const y1 = Math.ceil(h * 0.85);
  let sum = 0;
  let sq = 0;
  let n = 0;
  let lapSum = 0;
  let clippedCount = 0;
  let leftSum = 0;
  let chroma = 0;
  let rightSum = 0;
  let lapSq = 0;
  let m = 0;
  for (let r = y0; r < y1; r++) {
    for (let c = x0; c < x1; c++) {
      const v = y[r * w + c] ?? 0;
      sum += v;
      sq += v * v;
      n++;
      if (v <= 5 || v >= 250) clippedCount++;
      const i = r * w + c;
      chroma += Math.abs((data[3 * i] ?? 0) - (data[3 * i + 1] ?? 0)) + Math.abs((data[3 * i + 1] ?? 0) - (data[3 * i + 2] ?? 0));
      if (c < w / 2) leftSum += v;
      else rightSum += v;
      if (r > 0 && c > 0 && r < h - 1 && c < w - 1) {
        const lap = 4 * v - (y[(r - 1) * w + c] ?? 0) - (y[(r + 1) * w + c] ?? 0) - (y[r * w + c - 1] ?? 0) - (y[r * w + c + 1] ?? 0);
        lapSum += lap;
        lapSq += lap * lap;
        m++;
      }
    }
  }
  const mean = sum / n;
  const lapMean = lapSum / Math.max(1, m);
  return {
    luminance: mean,
    contrast: Math.sqrt(Math.max(0, sq / n - mean * mean)),
    sharpness: lapSq / Math.max(1, m) - lapMean * lapMean,
    clipped: clippedCount / Math.max(1, n),
    lightSide: mean > 0 ? (2 * (rightSum - leftSum)) / n / mean : 0,
    colourfulness: chroma / Math.max(1, n),
  };
}

/** Below this colourfulness a face was seen by a grey camera (infrared, `--saturation 0`) or in light with no colour. */
export const MONO_COLOURFULNESS = 6;

/** Whether a face's crop is grey: the door then judges it at its grey operating point. */
export function isMono(q: Pick<FaceQuality, 'colourfulness'>): boolean {
  return q.colourfulness < MONO_COLOURFULNESS;
}

/** How a camera saw a face: in colour, or grey (infrared at night, a monochrome camera). */
export type CameraMode = 'colour' | 'grey';

/** The camera mode a face was seen in, from its crop (a grey camera's every frame is grey whatever the crop says). */
export function cameraModeOf(q: Pick<FaceQuality, 'colourfulness'>, greyCamera = false): CameraMode {
  return greyCamera || isMono(q) ? 'grey' : 'colour';
}
