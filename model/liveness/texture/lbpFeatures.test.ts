import { describe, expect, it } from 'vitest';
import { LBP_BINS, LBP_FEATURES, lbpCodes, lbpCodesAnyRadius, lbpFeatures, toGrey } from './lbpFeatures.js';

const rgbOf = (side: number, grey: (x: number, y: number) => number) => {
  const rgb = new Float32Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) rgb.fill(grey(x, y), 3 * (y * side + x), 3 * (y * side + x) + 3);
  return rgb;
};
const histograms = (f: Float32Array) => Array.from({ length: f.length / LBP_BINS }, (_, h) => f.subarray(h * LBP_BINS, (h + 1) * LBP_BINS));

describe('uniform local binary patterns', () => {
  it('gives a flat image one pattern (every neighbour >= the centre), and only the border is left out', () => {
    const side = 12;
    const codes = lbpCodes(
      toGrey(
        rgbOf(side, () => 80),
        side,
      ),
      side,
      1,
    );
    const inner = [...codes].filter((c) => c >= 0);
    expect(inner).toHaveLength((side - 2) ** 2);
    expect(new Set(inner).size).toBe(1);
    expect(codes[0]).toBe(-1);
  });

  it('tells a bright spot, a dark spot and an edge apart, and puts a non-uniform pattern in the last bin', () => {
    const side = 5;
    const spot = (v: number) =>
      lbpCodes(
        toGrey(
          rgbOf(side, (x, y) => (x === 2 && y === 2 ? v : 100)),
          side,
        ),
        side,
        1,
      )[2 * side + 2];
    const edge = lbpCodes(
      toGrey(
        rgbOf(side, (x) => (x >= 2 ? 200 : 0)),
        side,
      ),
      side,
      1,
    )[2 * side + 2];
    // brighter to the left and right only: the pattern 10001000 around the circle (4 transitions)
    const bars = [0, 0, 0, 200, 100, 200, 0, 0, 0];
    const checker = lbpCodes(
      toGrey(
        rgbOf(3, (x, y) => bars[3 * y + x] as number),
        3,
      ),
      3,
      1,
    )[4];
    const codes = [spot(255), spot(0), edge];
    expect(new Set(codes).size).toBe(3);
    for (const c of codes) expect(c).toBeLessThan(LBP_BINS - 1);
    expect(checker).toBe(LBP_BINS - 1);
  });
});

describe('LBP texture features of a face crop', () => {
  it('is blind to brightness and contrast (a print under other light has the same texture)', () => {
    const side = 48;
    const texture = (x: number, y: number) => (Math.sin(x * 1.7) + Math.cos(y * 0.9 + x * 0.3)) * 40 + 120;
    const a = lbpFeatures(rgbOf(side, texture), side);
    const b = lbpFeatures(
      rgbOf(side, (x, y) => 0.5 * texture(x, y) + 30),
      side,
    );
    expect([...b]).toEqual([...a]);
    const other = lbpFeatures(
      rgbOf(side, (x, y) => ((x * 7 + y * 13) % 17) * 9),
      side,
    );
    expect([...other]).not.toEqual([...a]);
  });

  it('gives 590 features: 10 Hellinger-normalised histograms (the squares of each sum to 1)', () => {
    const side = 64;
    const f = lbpFeatures(
      rgbOf(side, (x, y) => (x * 31 + y * 17) % 256),
      side,
    );
    expect(f).toHaveLength(LBP_FEATURES);
    expect(LBP_FEATURES).toBe(590);
    for (const h of histograms(f)) expect(h.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
    expect(() => lbpFeatures(new Float32Array(10), side)).toThrow(/64x64 RGB crop has 12288 values, not 10/);
  });
});

describe('LBP at radius 1 and 2, unrolled', () => {
  it('gives the general loop’s codes bit for bit: on noise, on flat patches and on steps', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const side of [3, 5, 16, 64, 128, 160]) {
      const noise = Float32Array.from({ length: side * side }, () => Math.round(rnd() * 255));
      const flat = new Float32Array(side * side).fill(100);
      const steps = Float32Array.from({ length: side * side }, (_, i) => (i % side > side / 2 ? 200.5 : 17.25) + (i % 3));
      for (const g of [noise, flat, steps])
        for (const radius of [1, 2]) expect(Array.from(lbpCodes(g, side, radius))).toEqual(Array.from(lbpCodesAnyRadius(g, side, radius)));
    }
  });
});
