import { describe, expect, it } from 'vitest';
import type { Face } from '../../model/faceTypes.js';
import { FaceTracker } from './faceTracker.js';

const face = { meshScore: 1 } as Face;

describe('FaceTracker', () => {
  it('gives a kept face once, into a frame soon after, and at most trackFrames times in a row', () => {
    const t = new FaceTracker({ trackFrames: 2, trackMaxGapMs: 200 });
    expect(t.take(0)).toBeUndefined(); // nothing kept: detect
    t.keep(face, 0);
    expect(t.take(66)).toBe(face);
    expect(t.take(70)).toBeUndefined(); // taking forgets: a frame that failed a later stage keeps nothing
    t.keep(face, 100);
    expect(t.take(166)).toBe(face);
    t.keep(face, 166);
    expect(t.take(233)).toBe(face);
    t.keep(face, 233);
    expect(t.take(300)).toBeUndefined(); // two followed in a row: the detector's turn
    t.keep(face, 300);
    expect(t.take(366)).toBe(face);
  });

  it('detects after a gap, a clock that went back, a lost face, and never when tracking is off', () => {
    const t = new FaceTracker({ trackFrames: 2, trackMaxGapMs: 200 });
    t.keep(face, 1000);
    expect(t.take(1201)).toBeUndefined();
    t.keep(face, 1000);
    expect(t.take(999)).toBeUndefined();
    t.keep(face, 1000);
    expect(t.take(1066)).toBe(face);
    t.lost();
    t.keep(face, 1066);
    expect(t.take(1100)).toBe(face);
    t.keep(face, 1100);
    expect(t.take(1166)).toBe(face); // the count started again when the face was lost
    const off = new FaceTracker({ trackFrames: 0, trackMaxGapMs: 200 });
    off.keep(face, 0);
    expect(off.take(1)).toBeUndefined();
  });
});
