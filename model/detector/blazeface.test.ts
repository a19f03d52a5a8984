import { describe, expect, it } from 'vitest';
import { blazefaceAnchors, decodeBlazeface } from './blazeface.js';

describe('blazeface decoding', () => {
  it('has the 896 anchors of the 256 px model: 16x16x2 then 8x8x6', () => {
    const a = blazefaceAnchors();
    expect(a.length).toBe(896 * 2);
    expect([a[0], a[1]]).toEqual([8, 8]);
    expect([a[512 * 2], a[512 * 2 + 1]]).toEqual([16, 16]);
  });

  it('decodes a box around its anchor, maps it out of the letterbox and suppresses overlaps', () => {
    const anchors = Float32Array.from([100, 100, 104, 100, 200, 40]);
    const raw = new Float32Array(3 * 17).fill(0);
    const set = (i: number, logit: number, w: number) => raw.set([logit, 0, 0, w, w], i * 17);
    set(0, 3, 40); // score 0.95
    set(1, 2, 40); // overlaps the first, lower score
    set(2, -5, 40); // below threshold
    const dets = decodeBlazeface(raw, anchors, { scale: 2, padX: 0, padY: 20 }, { minScore: 0.5, maxFaces: 10, maxIou: 0.3 });
    expect(dets).toHaveLength(1);
    expect(dets[0]?.score).toBeCloseTo(1 / (1 + Math.exp(-3)));
    expect(dets[0]?.box).toEqual({ x: 40, y: 30, width: 20, height: 20 });
    expect(dets[0]?.keypoints[0]).toEqual([50, 40]);
  });
});
