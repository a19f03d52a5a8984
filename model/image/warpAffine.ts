import type { RgbImage } from './rgbImage.js';

/**
 * A 2-D affine map [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f.
 */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * The map from an output crop of `size` x `size` pixels to the source image, for a square of side `side` centred
 * on (cx, cy) and rotated by `angle` radians (the crop is turned so that a line at `angle` becomes horizontal).
 */
export function squareCropMap(cx: number, cy: number, side: number, angle: number, size: number): Affine {
  const s = side / size;
  const cos = Math.cos(angle) * s;
  const sin = Math.sin(angle) * s;
  const h = size / 2;
  // source = R(angle) * S * (dst - h) + centre
  return [cos, -sin, cx - cos * h + sin * h, sin, cos, cy - sin * h - cos * h];
}

/**
 * Samples `image` through `map` (output pixel -> source pixel) into a width x height x 3 float array, bilinear,
 * with black outside the image; each value becomes value * scale + offset (the network's input scaling).
 */
export function warpAffine(
  image: RgbImage,
  map: Affine,
  width: number,
  height: number,
  scale = 1,
  offset = 0,
  out: Float32Array = new Float32Array(width * height * 3),
): Float32Array {
  const { data, width: w, height: h } = image;
  const [a, b, c, d, e, f] = map;
  const at = (x: number, y: number, ch: number) => (x >= 0 && y >= 0 && x < w && y < h ? (data[(y * w + x) * 3 + ch] ?? 0) : 0);
  let o = 0;
  for (let y = 0; y < height; y++) {
    // sample at pixel centres
    const yc = y + 0.5;
    for (let x = 0; x < width; x++) {
      const xc = x + 0.5;
      const sx = a * xc + b * yc + c - 0.5;
      const sy = d * xc + e * yc + f - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // inside the image: the four neighbours without bounds checks (most pixels of most crops)
        const i00 = (y0 * w + x0) * 3;
        const i01 = i00 + w * 3;
        for (let ch = 0; ch < 3; ch++) {
          const p00 = data[i00 + ch] as number;
          const p10 = data[i00 + 3 + ch] as number;
          const p01 = data[i01 + ch] as number;
          const p11 = data[i01 + 3 + ch] as number;
          const top = p00 + (p10 - p00) * fx;
          out[o++] = (top + (p01 + (p11 - p01) * fx - top) * fy) * scale + offset;
        }
        continue;
      }
      for (let ch = 0; ch < 3; ch++) {
        const p00 = at(x0, y0, ch);
        const p10 = at(x0 + 1, y0, ch);
        const p01 = at(x0, y0 + 1, ch);
        const p11 = at(x0 + 1, y0 + 1, ch);
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o++] = (top + (bottom - top) * fy) * scale + offset;
      }
    }
  }
  return out;
}

/** The warped crop as 8-bit RGB, for callers that keep or show the aligned face. */
export function warpToRgb(image: RgbImage, map: Affine, width: number, height: number): RgbImage {
  const f = warpAffine(image, map, width, height);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(f[i] ?? 0)));
  return { width, height, data };
}
