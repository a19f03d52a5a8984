import { describe, expect, it } from 'vitest';
import type { LivenessSample } from '../../training/liveness/livenessData.js';
import { approachAccepted, approaches, thresholdForBpcer } from '../../training/liveness/livenessEvaluation.js';
import type { ActiveEvidence } from './activeLiveness.js';
import { fuseLiveness } from './livenessFusion.js';

const evidence = (e: Partial<ActiveEvidence>): ActiveEvidence => ({ planar: false, depth: false, blink: false, motion: 0, ratio: 0, ...e });
const still = evidence({});
const tilted = evidence({ planar: true, motion: 0.08, ratio: 0.2 });
const blink = evidence({ blink: true });
const head = evidence({ depth: true, motion: 0.1, ratio: 0.9 });

describe('liveness fusion (passive verdict with the active signals)', () => {
  it('off: the passive verdict alone', () => {
    expect(fuseLiveness(true, tilted, 'off')).toEqual({ live: true });
    expect(fuseLiveness(false, head, 'off')).toEqual({ live: false, why: 'passive' });
  });

  it('optional: a planar tilt vetoes, stillness does not (NUAA-style still users are admitted)', () => {
    expect(fuseLiveness(true, still, 'optional')).toEqual({ live: true });
    expect(fuseLiveness(true, tilted, 'optional')).toEqual({ live: false, why: 'planar' });
    expect(fuseLiveness(true, { ...tilted, blink: true }, 'optional')).toEqual({ live: true });
    expect(fuseLiveness(false, head, 'optional')).toEqual({ live: false, why: 'passive' });
  });

  it('required: a blink or parallax must be seen, so a perfectly still user is never admitted', () => {
    expect(fuseLiveness(true, still, 'required')).toEqual({ live: false, why: 'no_active_sign' });
    expect(fuseLiveness(true, blink, 'required')).toEqual({ live: true });
    expect(fuseLiveness(true, head, 'required')).toEqual({ live: true });
    expect(fuseLiveness(true, undefined, 'required')).toEqual({ live: false, why: 'no_active_sign' });
  });
});

describe('approach-level evaluation', () => {
  const landmarks = Array.from(
    { length: 468 },
    (_, i) => [100 + (i % 20) * 5, 100 + Math.floor(i / 20) * 5, 0] as [number, number, number],
  );
  const frame = (sequence: string, n: number, p: number): LivenessSample & { p: number } => ({
    file: `${sequence}_${n}.jpg`,
    part: 'dev',
    attack: sequence.startsWith('attack'),
    subject: '0004',
    sequence,
    frame: n,
    crop: new Float32Array(1),
    landmarks,
    eyes: { left: 1, right: 1 },
    p,
  });

  it('cuts sequences into approaches of consecutive frames, in frame order, dropping a short tail', () => {
    const s = [5, 1, 3, 2, 4, 6, 7].map((n) => frame('live:a', n, 1));
    const a = approaches(s, 3);
    expect(a.map((x) => x.map((f) => f.frame))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('accepts an approach when k of the last n frames are live', () => {
    const live = (f: LivenessSample) => (f as LivenessSample & { p: number }).p >= 0.5;
    const rule = { k: 3, n: 5, active: 'optional' as const };
    expect(
      approachAccepted(
        [0.9, 0.1, 0.9, 0.1, 0.9].map((p, i) => frame('live:a', i, p)),
        live,
        rule,
      ),
    ).toBe(true);
    expect(
      approachAccepted(
        [0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.9].map((p, i) => frame('live:a', i, p)),
        live,
        rule,
      ),
    ).toBe(false);
    expect(
      approachAccepted(
        [0.9, 0.9, 0.9].map((p, i) => frame('live:a', i, p)),
        live,
        { ...rule, active: 'required' },
      ),
    ).toBe(false);
  });

  it('picks the threshold that rejects at most the target share of live scores', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = thresholdForBpcer(scores, 0.05);
    expect(scores.filter((s) => s < t)).toHaveLength(5);
  });
});
