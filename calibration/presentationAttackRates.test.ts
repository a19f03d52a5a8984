import { describe, expect, it } from 'vitest';
import { consecutiveWindows, formatProportion, kOfNAccepted, padRates, proportion } from './presentationAttackRates.js';

describe('ISO/IEC 30107-3 rates with their uncertainty', () => {
  it("gives Wilson's 95% interval, which stays informative at zero and at small counts", () => {
    const zero = proportion(0, 10);
    expect(zero.rate).toBe(0);
    expect(zero.ci95?.[0]).toBe(0);
    expect(zero.ci95?.[1]).toBeCloseTo(0.2775, 4);
    const half = proportion(5, 10);
    expect(half.ci95?.[0]).toBeCloseTo(0.2366, 4);
    expect(half.ci95?.[1]).toBeCloseTo(0.7634, 4);
    // 0 of 300 still allows about 1.3%: what 0 attacks accepted on a small dev part can and cannot claim
    expect(proportion(0, 300).ci95?.[1]).toBeCloseTo(0.01266, 4);
    expect(proportion(0, 0)).toEqual({ count: 0, of: 0, rate: null, ci95: null });
    expect(formatProportion(proportion(1, 4), (v) => `${(v * 100).toFixed(0)}%`)).toBe('25% (1/4, 5%-70%)');
  });

  it('reports APCER per species with the worst one as the headline, and BPCER over bona fide presentations', () => {
    const decisions = [
      ...Array.from({ length: 10 }, (_, i) => ({ attack: true, species: 'printed photo', accepted: i < 1 })),
      ...Array.from({ length: 4 }, (_, i) => ({ attack: true, species: 'screen replay', accepted: i < 2 })),
      { attack: true, accepted: false },
      ...Array.from({ length: 20 }, (_, i) => ({ attack: false, accepted: i >= 3 })),
    ];
    const r = padRates(decisions);
    expect(r.species.map((s) => [s.species, s.apcer.count, s.apcer.of])).toEqual([
      ['printed photo', 1, 10],
      ['screen replay', 2, 4],
      ['unnamed', 0, 1],
    ]);
    expect(r.worst?.species).toBe('screen replay');
    expect(r.worst?.apcer.rate).toBe(0.5);
    expect(r.bpcer.count).toBe(3);
    expect(r.bpcer.rate).toBeCloseTo(0.15, 10);
    expect(padRates(decisions.filter((d) => !d.attack)).worst).toBeNull();
  });

  it('cuts each recording into approaches of consecutive frames, in frame order, and applies k of n', () => {
    const frames = [5, 1, 3, 2, 4, 6, 7].map((frame) => ({ sequence: 'a', frame }));
    const windows = consecutiveWindows([...frames, { sequence: 'b', frame: 1 }, { frame: 9 }], 3);
    expect(windows.map((w) => w.map((f) => f.frame))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(kOfNAccepted([true, false, true, false, false], 2, 3)).toBe(true);
    expect(kOfNAccepted([true, false, false, true, false], 2, 3)).toBe(false);
    expect(kOfNAccepted([true, true], 3, 5)).toBe(false);
  });
});
