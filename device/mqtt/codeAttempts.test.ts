import { describe, expect, it } from 'vitest';
import { CodeAttempts } from './codeAttempts.js';

describe('remote-command code throttling', () => {
  it('lets three typos through, then doubles a delay during which no code is checked, the right one included', () => {
    const c = new CodeAttempts({ freeFailures: 3, firstDelayMs: 2000, maxDelayMs: 60_000, maxFailures: 100 });
    for (let i = 0; i < 3; i++) {
      expect(c.check(i)).toEqual({ allowed: true });
      expect(c.failure(i)).toBe(0);
    }
    expect(c.failure(10)).toBe(2000);
    expect(c.check(1000)).toMatchObject({ allowed: false, retryInMs: 1010 });
    expect(c.check(2010)).toEqual({ allowed: true });
    expect(c.failure(2010)).toBe(4000);
    expect(c.failure(7000)).toBe(8000);
    // capped
    for (let i = 0; i < 10; i++) c.failure(100_000 + i);
    expect(c.failure(200_000)).toBe(60_000);
    c.success();
    expect(c.check(200_001)).toEqual({ allowed: true });
    expect(c.consecutiveFailures).toBe(0);
  });

  it('turns remote commands off after 100 wrong codes in a row, until the owner clears it: 1,000 fast guesses check at most a handful', () => {
    const c = new CodeAttempts();
    let checked = 0;
    for (let i = 0; i < 1000; i++) {
      const now = i * 0.5; // 1,000 guesses in 0.5 s
      if (!c.check(now).allowed) continue;
      checked++;
      c.failure(now);
    }
    expect(checked).toBe(4); // 3 free, then the 4th starts a delay longer than the whole burst
    // and even a patient guesser ends up locked out for good
    let t = 0;
    for (let i = 0; i < 200; i++) {
      const r = c.check(t);
      if (r.allowed) c.failure(t);
      t += 3_600_001;
    }
    expect(c.check(t)).toMatchObject({ allowed: false, retryInMs: null, reason: expect.stringMatching(/facelock lockout clear/) });
  });
});
