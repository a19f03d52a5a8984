import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/seededRandom.js';
import { ApproachLiveness, blinked } from './activeLiveness.js';
import { fitHomography, type Point2, planarFit } from './planarMotion.js';

// A synthetic head: 468 points on a half-ellipsoid (width 14 cm, height 20, depth 10, nose forward), 50 cm from a
// 600 px focal-length camera. Rotating it is a 3-D motion; a photo of it is a plane.
const random = seededRandom(7);
const head: [number, number, number][] = Array.from({ length: 468 }, () => {
  const u = random() * Math.PI - Math.PI / 2;
  const v = random() * Math.PI - Math.PI / 2;
  return [7 * Math.sin(u) * Math.cos(v), 10 * Math.sin(v), -5 * Math.cos(u) * Math.cos(v)];
});
const project = (p: readonly [number, number, number], dist = 50): [number, number, number] => [
  320 + (600 * p[0]) / (dist + p[2]),
  240 + (600 * p[1]) / (dist + p[2]),
  p[2],
];
const yaw = (deg: number) =>
  head.map(([x, y, z]) => {
    const a = (deg * Math.PI) / 180;
    return [x * Math.cos(a) + z * Math.sin(a), y, -x * Math.sin(a) + z * Math.cos(a)] as [number, number, number];
  });
// a printed photo of the head (flat, at z = 0) tilted by `deg` about the vertical axis and shifted
const photo = (deg: number, shift: number) =>
  head.map(([x, y]) => {
    const a = (deg * Math.PI) / 180;
    return project([x * Math.cos(a) + shift, y, -x * Math.sin(a)]);
  });
const jitter = (pts: [number, number, number][], px: number, seed: number) => {
  const r = seededRandom(seed);
  return pts.map(([x, y, z]) => [x + (r() - 0.5) * 2 * px, y + (r() - 0.5) * 2 * px, z] as [number, number, number]);
};
const open = { left: 0.3, right: 0.3 };

describe('planar motion', () => {
  it('fits an exact homography with no residual', () => {
    const src: Point2[] = head.slice(0, 40).map(([x, y]) => [x, y]);
    const h = [1.1, 0.05, 3, -0.02, 0.95, -2, 0.001, 0.002, 1];
    const dst = src.map(([x, y]) => {
      const w = (h[6] as number) * x + (h[7] as number) * y + 1;
      return [
        ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w,
        ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w,
      ] as Point2;
    });
    const fitted = fitHomography(src, dst);
    for (const [k, v] of fitted.entries()) expect(v).toBeCloseTo(h[k] as number, 6);
    expect(planarFit(src, dst).residual).toBeLessThan(1e-9);
  });

  it('calls a moved photo planar, a turning head 3-D, and a still face (landmark jitter) neither', () => {
    const photoMoved = new ApproachLiveness();
    for (const [deg, shift] of [
      [0, 0],
      [15, 3],
      [30, -4],
    ] as const)
      photoMoved.add(jitter(photo(deg, shift), 0.3, deg), open);
    expect(photoMoved.evidence()).toMatchObject({ planar: true, depth: false });

    const turning = new ApproachLiveness();
    for (const deg of [0, 8, 16])
      turning.add(
        jitter(
          yaw(deg).map((p) => project(p)),
          0.3,
          deg,
        ),
        open,
      );
    expect(turning.evidence(), JSON.stringify(turning.evidence())).toMatchObject({ planar: false, depth: true });

    const still = new ApproachLiveness();
    for (let i = 0; i < 6; i++)
      still.add(
        jitter(
          head.map((p) => project(p)),
          0.5,
          i,
        ),
        open,
      );
    expect(still.evidence()).toMatchObject({ planar: false, depth: false });
    expect(still.evidence().motion).toBe(0);
  });

  it('takes degenerate landmarks (all on one point) as saying nothing, not as a fault', () => {
    const a = new ApproachLiveness();
    const point = head.map(() => [100, 100, 0] as [number, number, number]);
    for (let i = 0; i < 3; i++) a.add(point, { left: 0.3, right: 0.3 });
    expect(a.evidence()).toMatchObject({ planar: false, depth: false, motion: 0 });
  });
});

describe('blink', () => {
  it('needs open, closed, open again (relative to the approach median)', () => {
    expect(blinked([0.3, 0.31, 0.08, 0.29, 0.3], 0.6)).toBe(true);
    expect(blinked([0.3, 0.31, 0.29, 0.3, 0.3], 0.6)).toBe(false);
    expect(blinked([0.3, 0.3, 0.05], 0.6)).toBe(false); // closed, never reopened within the approach
    expect(blinked([0.25, 0.26], 0.6)).toBe(false);
    const a = new ApproachLiveness();
    for (const e of [0.3, 0.3, 0.05, 0.3])
      a.add(
        head.map((p) => project(p)),
        { left: e, right: e },
      );
    expect(a.evidence().blink).toBe(true);
  });

  it('uses the user’s own baseline when known: narrowed eyes for most of the approach hide a blink from the median', () => {
    const openness = [0.3, 0.12, 0.12, 0.12, 0.3];
    expect(blinked(openness, 0.6)).toBe(false); // median 0.12: nothing is "closed"
    expect(blinked(openness, 0.6, 0.3)).toBe(true); // the user's eyes are usually 0.3 open
    const a = new ApproachLiveness();
    for (const e of openness)
      a.add(
        head.map((p) => project(p)),
        { left: e, right: e },
      );
    expect(a.evidence().blink).toBe(false);
    expect(a.evidence(0.3).blink).toBe(true);
    expect(a.eyeMedian()).toBeCloseTo(0.12);
  });
});
