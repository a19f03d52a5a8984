import { describe, expect, it } from 'vitest';
import { applyAffine } from '../image/warpAffine.js';
import { ARCFACE_TEMPLATE, similarityToImage } from './arcfaceAlignment.js';

describe('the ArcFace five-point alignment', () => {
  it('recovers a rotation, scale and shift exactly from five point pairs', () => {
    const angle = 0.3;
    const scale = 2.5;
    const [tx, ty] = [140, 60];
    const toImage = (u: number, v: number): [number, number] => [
      scale * (Math.cos(angle) * (u + 0.5) - Math.sin(angle) * (v + 0.5)) + tx,
      scale * (Math.sin(angle) * (u + 0.5) + Math.cos(angle) * (v + 0.5)) + ty,
    ];
    const image = ARCFACE_TEMPLATE.map(([u, v]) => toImage(u, v));
    const map = similarityToImage(ARCFACE_TEMPLATE, image);
    for (const [i, [u, v]] of ARCFACE_TEMPLATE.entries()) {
      const [x, y] = applyAffine(map, u + 0.5, v + 0.5);
      expect(x).toBeCloseTo(image[i]?.[0] ?? Number.NaN, 9);
      expect(y).toBeCloseTo(image[i]?.[1] ?? Number.NaN, 9);
    }
    expect(Math.hypot(map[0], map[3])).toBeCloseTo(scale, 9);
  });

  it('is the least-squares fit when the points do not fit a similarity (one mouth corner off by 4 px)', () => {
    const image = ARCFACE_TEMPLATE.map(([u, v], i): [number, number] => [u + 0.5 + (i === 4 ? 4 : 0), v + 0.5]);
    const map = similarityToImage(ARCFACE_TEMPLATE, image);
    const residual = (m: typeof map) =>
      ARCFACE_TEMPLATE.reduce((sum, [u, v], i) => {
        const [x, y] = applyAffine(m, u + 0.5, v + 0.5);
        return sum + (x - (image[i]?.[0] ?? 0)) ** 2 + (y - (image[i]?.[1] ?? 0)) ** 2;
      }, 0);
    const best = residual(map);
    expect(best).toBeGreaterThan(0);
    // any nudge of the parameters that keeps a similarity fits worse
    for (const [da, db] of [
      [1e-3, 0],
      [-1e-3, 0],
      [0, 1e-3],
      [0, -1e-3],
    ] as const) {
      const [a, , c, b, , f] = map;
      expect(residual([a + da, -(b + db), c, b + db, a + da, f])).toBeGreaterThan(best);
    }
    expect(() => similarityToImage([[1, 1]], [[2, 2]])).toThrow(/two point pairs/);
  });
});
