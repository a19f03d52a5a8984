import { LBP_BINS, lbpCodes, lbpHistogram } from './lbpFeatures.js';

/**
 * Colour texture: uniform LBP(8, 1) histograms of each channel of the face crop in HSV and in YCbCr (Boulkenafet,
 * Komulainen and Hadid, "Face anti-spoofing based on color texture analysis", ICIP 2015). A print or a screen
 * reproduces a face's luminance texture tolerably but not its chrominance: the gamut, the screen's or the ink's
 * primaries and the recapture's colour noise show in the H, S, Cb and Cr channels, where grey LBP is blind. The
 * published cross-dataset gain over grey LBP is the reason to try it; the protocol in scripts/evalPadProtocol.ts
 * decides whether it stays.
 *
 * 6 channels x one whole-crop histogram of 59 bins = 354 numbers, each histogram normalised to sum 1 and
 * square-rooted (Hellinger). A 2x2 grid per channel (1,770 numbers) was the first version; it is left out because the
 * Newton fit of a door's head forms a d x d Hessian, and 354 features fit in a second on a Pi.
 */
export const COLOUR_CHANNELS = ['H', 'S', 'V', 'Y', 'Cb', 'Cr'] as const;
export const COLOUR_LBP_FEATURES = COLOUR_CHANNELS.length * LBP_BINS;

/** The six channel planes (0-255 each) of an RGB crop [side, side, 3] with values 0-255. */
export function colourPlanes(rgb: ArrayLike<number>, side: number): Float32Array[] {
  const n = side * side;
  if (rgb.length !== n * 3) throw new RangeError(`a ${side}x${side} RGB crop has ${n * 3} values, not ${rgb.length}`);
  const planes = COLOUR_CHANNELS.map(() => new Float32Array(n));
  const [h, s, v, y, cb, cr] = planes as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i] as number;
    const g = rgb[3 * i + 1] as number;
    const b = rgb[3 * i + 2] as number;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    let hue = 0;
    if (d > 0) {
      if (max === r) hue = ((g - b) / d + 6) % 6;
      else if (max === g) hue = (b - r) / d + 2;
      else hue = (r - g) / d + 4;
    }
    h[i] = (hue / 6) * 255;
    s[i] = max > 0 ? (d / max) * 255 : 0;
    v[i] = max;
    // ITU-R BT.601 full range (JPEG's YCbCr)
    y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[i] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[i] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return planes;
}

/** The colour texture features of an RGB crop [side, side, 3], values 0-255. */
export function colourLbpFeatures(rgb: ArrayLike<number>, side: number): Float32Array {
  return colourLbpOfPlanes(colourPlanes(rgb, side), side);
}

/** The colour texture features of the six planes `colourPlanes` gives. */
export function colourLbpOfPlanes(planes: readonly Float32Array[], side: number): Float32Array {
  const out = new Float32Array(COLOUR_LBP_FEATURES);
  planes.forEach((plane, p) => {
    lbpHistogram(lbpCodes(plane, side, 1), side, [0, 0, side, side], out, p * LBP_BINS);
  });
  return out;
}
