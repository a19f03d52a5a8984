import { describe, expect, it } from 'vitest';
import { type GreyThumbnail, MotionGate } from '../pipeline/motionGate.js';
import { FrameFusion } from './frameFusion.js';
import { LockoutPolicy } from './lockoutPolicy.js';

const thumb = (fill: number, changed = 0): GreyThumbnail => {
  const data = new Uint8Array(100).fill(fill);
  for (let i = 0; i < changed; i++) data[i] = (fill + 100) % 256;
  return { width: 10, height: 10, data };
};

describe('MotionGate', () => {
  it('wakes on the first frame and on change, stays awake for the hold time, sleeps on a static scene', () => {
    const gate = new MotionGate({ pixelThreshold: 25, minChangedFraction: 0.05, holdMs: 1000 });
    expect(gate.update(thumb(50), 0).awake).toBe(true);
    expect(gate.update(thumb(50), 500).awake).toBe(true); // within hold
    expect(gate.update(thumb(50), 1500)).toEqual({ awake: false, changedFraction: 0 });
    expect(gate.update(thumb(50, 3), 1600).awake).toBe(false); // 3% changed: below 5%
    const moved = gate.update(thumb(50, 10), 1700);
    expect(moved).toEqual({ awake: true, changedFraction: 0.07 }); // 7 pixels differ from the previous frame
    gate.update(thumb(50), 5000); // the moved pixels go back: motion again
    expect(gate.update(thumb(50), 9000).awake).toBe(false); // settled, hold expired
    // a global drift below the pixel threshold (light slowly changing) is not motion
    expect(gate.update(thumb(60), 9500)).toEqual({ awake: false, changedFraction: 0 });
  });

  it('processes the moving frame itself even with no hold time', () => {
    const gate = new MotionGate({ pixelThreshold: 25, minChangedFraction: 0.05, holdMs: 0 });
    expect(gate.update(thumb(50), 0).awake).toBe(true);
    expect(gate.update(thumb(50), 1).awake).toBe(false);
    expect(gate.update(thumb(50, 10), 2).awake).toBe(true);
  });
});

describe('FrameFusion', () => {
  const f = (at: number, userId: number | undefined, live = true) => ({
    at,
    score: 0.95,
    live,
    ...(userId === undefined ? {} : { userId }),
  });

  it('accepts only k matching live frames of the same user among the last n within the window', () => {
    const fusion = new FrameFusion({ k: 3, n: 5, windowMs: 3000 });
    expect(fusion.add(f(0, 1))).toBeUndefined();
    expect(fusion.add(f(100, 2))).toBeUndefined();
    expect(fusion.add(f(200, 1, false))).toBeUndefined(); // not live: does not count
    expect(fusion.add(f(300, 1))).toBeUndefined();
    expect(fusion.add(f(400, 1))).toBe(1);
  });

  it('forgets frames older than the window and beyond the last n', () => {
    const fusion = new FrameFusion({ k: 2, n: 3, windowMs: 1000 });
    fusion.add(f(0, 7));
    expect(fusion.add(f(1500, 7))).toBeUndefined(); // the first is outside the window
    fusion.add(f(1600, undefined));
    fusion.add(f(1700, undefined));
    expect(fusion.add(f(1800, 7))).toBeUndefined(); // 1500 fell out of the last 3
    expect(fusion.add(f(1900, 7))).toBe(7);
  });
});

describe('LockoutPolicy', () => {
  it('locks out after 5 failures for 30 s, doubling after each further failure, and resets on success', () => {
    const p = new LockoutPolicy({ maxFailures: 5, lockoutMs: 30_000 });
    for (let i = 0; i < 4; i++) p.recordFailure(0);
    expect(p.lockedOutUntil(0)).toBeUndefined();
    p.recordFailure(1000);
    expect(p.lockedOutUntil(1000)).toBe(31_000);
    expect(p.lockedOutUntil(31_000)).toBeUndefined();
    p.recordFailure(40_000);
    expect(p.lockedOutUntil(40_000)).toBe(100_000);
    p.recordSuccess();
    expect(p.lockedOutUntil(40_001)).toBeUndefined();
    expect(p.consecutiveFailures).toBe(0);
  });
});
