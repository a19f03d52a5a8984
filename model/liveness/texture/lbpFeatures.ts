/**
 * Local binary patterns of a face crop: the classic texture cue against printed photos (Määttä, Hadid and
 * Pietikäinen, "Face spoofing detection from single images using micro-texture analysis", IJCB 2011, on NUAA). A
 * print loses fine skin texture and adds paper grain and halftone; a histogram of each pixel's 8-neighbour
 * comparison pattern records that, and a linear classifier separates it.
 *
 * Features: uniform LBP(8, 1) histograms over a 3x3 grid of cells, plus one uniform LBP(8, 2) histogram of the whole
 * crop; each histogram normalised to sum 1 and square-rooted (the Hellinger map, so that a dot product compares
 * histograms well). 10 histograms of 59 bins = 590 numbers.
 */

/** 58 uniform patterns (at most two 0/1 transitions around the circle) get a bin each; all others share bin 58. */
export const LBP_BINS = 59;
export const LBP_GRID = 3;
export const LBP_FEATURES = (LBP_GRID * LBP_GRID + 1) * LBP_BINS;

const UNIFORM_BIN: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(LBP_BINS - 1);
  let next = 0;
  for (let code = 0; code < 256; code++) {
    let transitions = 0;
    for (let b = 0; b < 8; b++) transitions += ((code >> b) & 1) !== ((code >> ((b + 1) % 8)) & 1) ? 1 : 0;
    if (transitions <= 2) table[code] = next++;
  }
  return table;
})();

/** Grey level of an RGB crop [side, side, 3] (values in any range): ITU-R BT.601 luma. */
export function toGrey(rgb: Float32Array, side: number): Float32Array {
  if (rgb.length !== side * side * 3) throw new RangeError(`a ${side}x${side} RGB crop has ${side * side * 3} values, not ${rgb.length}`);
  const g = new Float32Array(side * side);
  for (let i = 0; i < g.length; i++)
    g[i] = 0.299 * (rgb[3 * i] as number) + 0.587 * (rgb[3 * i + 1] as number) + 0.114 * (rgb[3 * i + 2] as number);
  return g;
}

/**
 * Each interior pixel's uniform LBP(8, radius) bin (neighbours on a circle, bilinearly sampled), or -1 at the border
 * where the circle leaves the image. Each neighbour's four bilinear taps and weights are the same for every pixel:
 * they are worked out once.
 */
export function lbpCodes(g: Float32Array, side: number, radius: number): Int16Array {
  return radius === 1 || radius === 2 ? lbpCodesUnrolled(g, side, radius) : lbpCodesAnyRadius(g, side, radius);
}

/** The taps and weights of one neighbour on the circle, as lbpCodesAnyRadius works them out. */
function neighbour(p: number, radius: number): { dx: number; dy: number; w: [number, number, number, number] } {
  const a = (2 * Math.PI * p) / 8;
  // an axis-aligned neighbour sits exactly on a pixel: round away the floating-point error
  const snap = (v: number) => (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);
  const x = snap(radius * Math.cos(a));
  const y = snap(-radius * Math.sin(a));
  const fx = x - Math.floor(x);
  const fy = y - Math.floor(y);
  return { dx: Math.floor(x), dy: Math.floor(y), w: [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy] };
}

/**
 * lbpCodes at radius 1 or 2, unrolled: the axis-aligned neighbours sit on pixels, the four diagonal ones are sampled
 * with the same taps, weights and order of additions as the general loop, so the same codes bit for bit, in about a
 * third of the time (the door's texture model reads both radii at 160 px per frame, its colour texture six planes).
 */
function lbpCodesUnrolled(g: Float32Array, side: number, radius: number): Int16Array {
  const codes = new Int16Array(side * side).fill(-1);
  const d1 = neighbour(1, radius);
  const d3 = neighbour(3, radius);
  const d5 = neighbour(5, radius);
  const d7 = neighbour(7, radius);
  const o1 = d1.dy * side + d1.dx;
  const o3 = d3.dy * side + d3.dx;
  const o5 = d5.dy * side + d5.dx;
  const o7 = d7.dy * side + d7.dx;
  const [a1, b1, c1, e1] = d1.w;
  const [a3, b3, c3, e3] = d3.w;
  const [a5, b5, c5, e5] = d5.w;
  const [a7, b7, c7, e7] = d7.w;
  const up = radius * side;
  const tap = (j: number, a: number, b: number, c: number, d: number) =>
    a * (g[j] as number) + b * (g[j + 1] as number) + c * (g[j + side] as number) + d * (g[j + side + 1] as number);
  for (let y = radius; y < side - radius; y++) {
    for (let x = radius; x < side - radius; x++) {
      const i = y * side + x;
      const centre = g[i] as number;
      const t = centre - 1e-6 * Math.abs(centre);
      let code = 0;
      if (1 * (g[i + radius] as number) >= t) code |= 1;
      if (tap(i + o1, a1, b1, c1, e1) >= t) code |= 2;
      if (1 * (g[i - up] as number) >= t) code |= 4;
      if (tap(i + o3, a3, b3, c3, e3) >= t) code |= 8;
      if (1 * (g[i - radius] as number) >= t) code |= 16;
      if (tap(i + o5, a5, b5, c5, e5) >= t) code |= 32;
      if (1 * (g[i + up] as number) >= t) code |= 64;
      if (tap(i + o7, a7, b7, c7, e7) >= t) code |= 128;
      codes[i] = UNIFORM_BIN[code] as number;
    }
  }
  return codes;
}

/** lbpCodes for any radius (exported for the test that holds the radius-1 path to it). */
export function lbpCodesAnyRadius(g: Float32Array, side: number, radius: number): Int16Array {
  const codes = new Int16Array(side * side).fill(-1);
  const at = new Int32Array(8);
  const w = new Float64Array(32);
  for (let p = 0; p < 8; p++) {
    const a = (2 * Math.PI * p) / 8;
    // an axis-aligned neighbour sits exactly on a pixel: round away the floating-point error
    const snap = (v: number) => (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);
    const dx = snap(radius * Math.cos(a));
    const dy = snap(-radius * Math.sin(a));
    const x0 = Math.floor(dx);
    const y0 = Math.floor(dy);
    const fx = dx - x0;
    const fy = dy - y0;
    at[p] = y0 * side + x0;
    w.set([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], 4 * p);
  }
  for (let y = radius; y < side - radius; y++) {
    for (let x = radius; x < side - radius; x++) {
      const i = y * side + x;
      const centre = g[i] as number;
      const tolerance = 1e-6 * Math.abs(centre);
      let code = 0;
      for (let p = 0; p < 8; p++) {
        const j = i + (at[p] as number);
        const q = 4 * p;
        // a zero weight may point one past the image edge: skip it rather than read outside
        let v = (w[q] as number) * (g[j] as number);
        if (w[q + 1] !== 0) v += (w[q + 1] as number) * (g[j + 1] as number);
        if (w[q + 2] !== 0) v += (w[q + 2] as number) * (g[j + side] as number);
        if (w[q + 3] !== 0) v += (w[q + 3] as number) * (g[j + side + 1] as number);
        // equal within rounding counts as >=: a flat patch is one pattern whichever way the taps were summed
        if (v >= centre - tolerance) code |= 1 << p;
      }
      codes[i] = UNIFORM_BIN[code] as number;
    }
  }
  return codes;
}

/** Hellinger-normalised histogram of the codes inside [x0, x1) x [y0, y1), written at `out[offset...]`. */
export function lbpHistogram(
  codes: Int16Array,
  side: number,
  box: readonly [number, number, number, number],
  out: Float32Array,
  offset: number,
): void {
  const [x0, y0, x1, y1] = box;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const c = codes[y * side + x] as number;
      if (c < 0) continue;
      out[offset + c] = (out[offset + c] as number) + 1;
      n++;
    }
  }
  for (let b = 0; b < LBP_BINS; b++) out[offset + b] = Math.sqrt((out[offset + b] as number) / Math.max(1, n));
}

/** The 590 texture features of an RGB face crop [side, side, 3]. */
export function lbpFeatures(rgb: Float32Array, side: number): Float32Array {
  const g = toGrey(rgb, side);
  const out = new Float32Array(LBP_FEATURES);
  const near = lbpCodes(g, side, 1);
  const cell = side / LBP_GRID;
  for (let r = 0; r < LBP_GRID; r++) {
    for (let c = 0; c < LBP_GRID; c++) {
      const box: [number, number, number, number] = [
        Math.round(c * cell),
        Math.round(r * cell),
        Math.round((c + 1) * cell),
        Math.round((r + 1) * cell),
      ];
      lbpHistogram(near, side, box, out, (r * LBP_GRID + c) * LBP_BINS);
    }
  }
  lbpHistogram(lbpCodes(g, side, 2), side, [0, 0, side, side], out, LBP_GRID * LBP_GRID * LBP_BINS);
  return out;
}
