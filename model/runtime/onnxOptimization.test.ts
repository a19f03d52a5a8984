import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fastestLevel, layoutTransformsApply } from './onnxOptimization.js';

/** A stand-in session whose runs take `ms` (the choice is logic over measured times; real sessions in the engine tests). */
const fake = (level: string, ms: number) => ({ level, ms, released: false });

describe('choosing the graph optimisation level by timing it', () => {
  it('keeps the faster level and releases the other, whichever order they come in', async () => {
    for (const slow of ['all', 'extended'] as const) {
      const made: ReturnType<typeof fake>[] = [];
      const chosen = await fastestLevel(
        ['all', 'extended'],
        async (level) => {
          const s = fake(level, level === slow ? 40 : 2);
          made.push(s);
          return s;
        },
        (s) => sleep(s.ms),
        async (s) => {
          s.released = true;
        },
        { worthMs: 1 },
      );
      expect(chosen.level).not.toBe(slow);
      expect(chosen.session.released).toBe(false);
      expect(made.filter((s) => s.released).map((s) => s.level)).toEqual([slow]);
      expect(chosen.ms[slow]).toBeGreaterThan(chosen.ms[chosen.level] as number);
    }
  });

  it('keeps a first candidate that is already fast without making a second session', async () => {
    const made: string[] = [];
    const chosen = await fastestLevel(
      ['all', 'extended'],
      async (level) => {
        made.push(level);
        return fake(level, 0);
      },
      (s) => sleep(s.ms),
      async () => {},
      { worthMs: 20 },
    );
    expect(chosen.level).toBe('all');
    expect(made).toEqual(['all']);
  });

  it('times only where the layout transforms exist (x86-64), not on a Pi', () => {
    expect(layoutTransformsApply('x64')).toBe(true);
    expect(layoutTransformsApply('arm64')).toBe(false);
  });
});
