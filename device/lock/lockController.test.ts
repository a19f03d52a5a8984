import { describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../../common/logger.js';
import type { Lock } from '../ports.js';
import { LockController } from './lockController.js';
import { SimLock } from './simLock.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LockController', () => {
  it('never extends the hard maximum: an unlock every 1.5 s de-energises the relay maxUnlockMs after the first', async () => {
    vi.useFakeTimers();
    try {
      const sim = new SimLock(silentLogger);
      const c = new LockController(sim, { unlockMs: 3000, maxUnlockMs: 5000 }, silentLogger, () => Date.now());
      const start = Date.now();
      let lockedAt: number | undefined;
      c.observe((unlocked) => {
        if (!unlocked && lockedAt === undefined) lockedAt = Date.now() - start;
      });
      for (let t = 0; t < 13_500; t += 1500) {
        if (lockedAt === undefined) await c.open();
        await vi.advanceTimersByTimeAsync(1500);
      }
      expect(lockedAt).toBe(5000);
      // a new open period after it locked starts its own maximum
      expect(await c.open()).toBe(true);
      await vi.advanceTimersByTimeAsync(3000);
      expect(c.isUnlocked).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens for one pulse of unlockMs and locks again by itself', async () => {
    const sim = new SimLock(silentLogger);
    const c = new LockController(sim, { unlockMs: 150, maxUnlockMs: 1000 }, silentLogger);
    expect(await c.open()).toBe(true);
    expect(c.isUnlocked).toBe(true);
    await wait(400);
    expect(c.isUnlocked).toBe(false);
    const [open, close] = sim.transitions;
    expect(sim.transitions.map((t) => t.state)).toEqual(['unlocked', 'locked']);
    expect((close?.at ?? 0) - (open?.at ?? 0)).toBeGreaterThanOrEqual(140);
    expect((close?.at ?? 0) - (open?.at ?? 0)).toBeLessThan(350);
  });

  it('enforces the hard maximum with its own timer when the pulse lock fails', async () => {
    let failNext = true;
    const sim = new SimLock(silentLogger);
    const flaky: Lock = {
      name: 'flaky',
      unlock: () => sim.unlock(),
      lock: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('gpioset exited');
        }
        await sim.lock();
      },
    };
    const lines: string[] = [];
    const c = new LockController(flaky, { unlockMs: 100, maxUnlockMs: 300 }, createLogger({ level: 'debug', write: (l) => lines.push(l) }));
    await c.open();
    await wait(200);
    expect(c.isUnlocked).toBe(true); // the pulse's lock call failed
    expect(lines.some((l) => l.includes('lock failed') && l.includes('pulse ended'))).toBe(true);
    await wait(250);
    expect(c.isUnlocked).toBe(false); // the hard maximum locked it
    expect(sim.transitions.at(-1)?.state).toBe('locked');
  });

  it('stays locked when the unlock itself fails', async () => {
    const sim = new SimLock(silentLogger);
    const broken: Lock = { name: 'broken', unlock: async () => Promise.reject(new Error('line busy')), lock: () => sim.lock() };
    const c = new LockController(broken, { unlockMs: 100, maxUnlockMs: 300 }, silentLogger);
    expect(await c.open()).toBe(false);
    expect(c.isUnlocked).toBe(false);
    expect(sim.transitions.map((t) => t.state)).toEqual(['locked']);
  });
});
