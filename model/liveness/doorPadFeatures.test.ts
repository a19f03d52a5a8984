import { describe, expect, it } from 'vitest';
import { DOOR_PAD_DIMENSIONS, DOOR_PAD_FINE_SIDE, DOOR_PAD_SIDE, doorPadFeatures } from './doorPadFeatures.js';
import { COLOUR_LBP_FEATURES, colourLbpFeatures, colourPlanes } from './texture/colourLbp.js';
import { LBP_BINS } from './texture/lbpFeatures.js';
import { dct2, SPECTRUM_RINGS, spectrumFeatures } from './texture/spectrumFeatures.js';

const side = DOOR_PAD_SIDE;
const crop = (f: (x: number, y: number) => [number, number, number]) => {
  const out = new Float32Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out.set(f(x, y), 3 * (y * side + x));
  return out;
};

describe('the door features: colour LBP and DCT rings of a 64 px crop', () => {
  it('converts RGB to HSV and YCbCr planes as BT.601 defines them', () => {
    const [h, s, v, y, cb, cr] = colourPlanes([255, 0, 0], 1);
    expect(h?.[0]).toBeCloseTo(0);
    expect(s?.[0]).toBeCloseTo(255);
    expect(v?.[0]).toBe(255);
    expect(y?.[0]).toBeCloseTo(76.245, 2);
    expect(cb?.[0]).toBeCloseTo(84.97, 1);
    expect(cr?.[0]).toBeCloseTo(255.5, 1);
    expect(() => colourPlanes([1, 2], 1)).toThrow(/has 3 values, not 2/);
  });

  it('gives a flat patch one pattern per channel and a textured one many', () => {
    const flat = colourLbpFeatures(
      crop(() => [120, 80, 60]),
      side,
    );
    expect(flat.length).toBe(COLOUR_LBP_FEATURES);
    for (let c = 0; c < 6; c++) {
      const hist = flat.subarray(c * LBP_BINS, (c + 1) * LBP_BINS);
      expect(hist.filter((v) => v > 0).length).toBe(1); // all neighbours equal: the all-ones uniform pattern
    }
    const noisy = colourLbpFeatures(
      crop((x, y) => [(x * 37 + y * 91) % 256, (x * 53 + y * 17) % 256, (x * 11 + y * 29) % 256]),
      side,
    );
    expect(noisy.subarray(0, LBP_BINS).filter((v) => v > 0).length).toBeGreaterThan(5);
  });

  it('moves DCT energy to the outer rings for fine texture, and ignores exposure', () => {
    const smooth = new Float32Array(side * side).map((_, i) => 100 + 50 * Math.sin((i % side) / 10));
    const fine = new Float32Array(side * side).map((_, i) => 100 + 50 * ((i % side) % 2 === 0 ? 1 : -1));
    const s = spectrumFeatures(smooth, side);
    const f = spectrumFeatures(fine, side);
    expect(s.length).toBe(SPECTRUM_RINGS);
    expect((f[SPECTRUM_RINGS - 6] as number) - (f[1] as number)).toBeGreaterThan((s[SPECTRUM_RINGS - 6] as number) - (s[1] as number));
    // a contrast change scales every coefficient: the log rings less their mean do not move (no coefficient near 0)
    const textured = new Float32Array(side * side).map((_, i) => 100 + ((i * 7919) % 101) - 50 + (i % side));
    const t = spectrumFeatures(textured, side);
    const brighter = spectrumFeatures(
      textured.map((v) => v * 2),
      side,
    );
    for (let r = 0; r < SPECTRUM_RINGS; r++) expect(brighter[r]).toBeCloseTo(t[r] as number, 2);
    // the DCT is orthonormal: energy is kept
    const c = dct2(smooth, side);
    const e = (a: ArrayLike<number>) => Array.from(a).reduce((t, v) => t + v * v, 0);
    expect(e(c) / e(smooth)).toBeCloseTo(1, 6);
  });

  it('joins both into the vector the door head reads', () => {
    const fine = new Float32Array(DOOR_PAD_FINE_SIDE * DOOR_PAD_FINE_SIDE * 3).map((_, i) => (i * 7) % 256);
    const v = doorPadFeatures(
      crop((x, y) => [x * 4, y * 4, 128]),
      fine,
    );
    expect(v.length).toBe(DOOR_PAD_DIMENSIONS);
    expect(DOOR_PAD_DIMENSIONS).toBe(724);
    // each part is a histogram of its own crop: the 128 px block differs from the 64 px one
    expect(v.slice(0, 354)).not.toEqual(v.slice(354, 708));
    expect(() => doorPadFeatures(fine, fine)).toThrow(/a 64x64 RGB crop has 12288 values/);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});
