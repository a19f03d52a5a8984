import { describe, expect, it } from 'vitest';
import { invertAffine } from '../../test/affine.js';
import type { RgbImage } from './rgbImage.js';
import { applyAffine, squareCropMap, warpAffine } from './warpAffine.js';

/** A 4x4 image whose red channel is 10*x + y, green 100, blue 0. */
function ramp(): RgbImage {
  const data = new Uint8Array(4 * 4 * 3);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.set([10 * x + y, 100, 0], (y * 4 + x) * 3);
  return { width: 4, height: 4, data };
}

describe('warpAffine', () => {
  it('copies pixels exactly through the identity map, with scale and offset applied', () => {
    const out = warpAffine(ramp(), [1, 0, 0, 0, 1, 0], 4, 4, 0.5, 1);
    expect(out[(2 * 4 + 3) * 3]).toBeCloseTo((10 * 3 + 2) * 0.5 + 1);
    expect(out[1]).toBeCloseTo(51);
  });

  it('interpolates bilinearly between pixel centres and fills black outside the image', () => {
    // output pixel (0,0) centre 0.5 maps to source 1.0 in x: halfway between source centres 0.5 and 1.5
    const out = warpAffine(ramp(), [1, 0, 0.5, 0, 1, 0], 1, 1);
    expect(out[0]).toBeCloseTo(5);
    const outside = warpAffine(ramp(), [1, 0, 100, 0, 1, 100], 1, 1);
    expect(Array.from(outside)).toEqual([0, 0, 0]);
  });

  it('squareCropMap centres the crop and turns it by the given angle', () => {
    const m = squareCropMap(50, 60, 20, Math.PI / 2, 10);
    const [cx, cy] = applyAffine(m, 5, 5);
    expect(cx).toBeCloseTo(50);
    expect(cy).toBeCloseTo(60);
    // one crop pixel to the right is 2 source pixels along the rotated x axis (downwards for +90 degrees)
    const [x1, y1] = applyAffine(m, 6, 5);
    expect(x1).toBeCloseTo(50);
    expect(y1).toBeCloseTo(62);
  });

  it('invertAffine undoes a map', () => {
    const m = squareCropMap(12, -3, 7, 0.4, 3);
    const back = invertAffine(m);
    const [x, y] = applyAffine(back, ...applyAffine(m, 1.5, 2.5));
    expect(x).toBeCloseTo(1.5);
    expect(y).toBeCloseTo(2.5);
  });
});
