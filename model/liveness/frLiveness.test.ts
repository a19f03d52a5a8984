import { describe, expect, it } from 'vitest';
import { frLivenessRect, softmax } from './frLiveness.js';

const image = { width: 640, height: 480 };

describe("fr_liveness's crop, as lib/fr_liveness.js cuts it", () => {
  it('takes 2.7x the face box around its centre', () => {
    expect(frLivenessRect({ x: 200, y: 150, width: 100, height: 120 }, image)).toEqual({ x: 115, y: 48, width: 270, height: 324 });
  });

  it('shifts a crop that leaves the image back inside it, at every edge, keeping its size', () => {
    expect(frLivenessRect({ x: 10, y: 5, width: 100, height: 120 }, image)).toEqual({ x: 0, y: 0, width: 270, height: 324 });
    expect(frLivenessRect({ x: 560, y: 400, width: 60, height: 60 }, image)).toEqual({ x: 477, y: 317, width: 162, height: 162 });
  });

  it('scales by less than 2.7 when 2.7x would not fit the image', () => {
    expect(frLivenessRect({ x: 0, y: 0, width: 300, height: 300 }, image)).toEqual({ x: 0, y: 0, width: 479, height: 479 });
  });

  it('turns the three scores into probabilities', () => {
    const p = softmax(Float32Array.from([2, 0, -1]));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1)), 6);
  });
});
