import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/seededRandom.js';
import { fitPadHead, headProbability, thresholdAtBpcer } from './padHead.js';

/** Two classes in 3-D: live around +1, attack around -1 on the first axis; each group (recording) has its own offset. */
function data(groups: number, perGroup: number, seed = 1) {
  const rnd = seededRandom(seed);
  const xs: number[][] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  for (let g = 0; g < groups; g++) {
    const live = g % 2 === 0;
    const offset = (rnd() - 0.5) * 0.5;
    for (let i = 0; i < perGroup; i++) {
      xs.push([(live ? 1 : -1) + offset + (rnd() - 0.5), rnd() - 0.5, rnd() - 0.5]);
      labels.push(live ? 1 : 0);
      ids.push(`g${g}`);
    }
  }
  return { xs, labels: Uint8Array.from(labels), ids };
}

describe('the PAD head: fitted with held-apart folds by group', () => {
  it('separates the classes and rejects at most the target share of held-apart live scores', () => {
    const { xs, labels, ids } = data(12, 20);
    const fit = fitPadHead(xs, labels, ids, { lambdas: [1e-3, 1e-1], targetBpcer: 0.05, folds: 4 });
    expect(fit.folds).toBe(4);
    expect(fit.trials.map((t) => t.lambda)).toEqual([1e-3, 1e-1]);
    const live = [...fit.heldApart].filter((_, i) => labels[i] === 1);
    const rejected = live.filter((p) => p < fit.head.threshold).length;
    expect(rejected / live.length).toBeLessThanOrEqual(0.05);
    expect(headProbability(fit.head, [1.2, 0, 0])).toBeGreaterThan(fit.head.threshold);
    expect(headProbability(fit.head, [-1.2, 0, 0])).toBeLessThan(fit.head.threshold);
  });

  it('scores each group with a model that never saw it: a group that copies its label into a feature gains nothing', () => {
    // feature 2 is the group's own random code; a model that saw the group would read its label off it
    const { xs, labels, ids } = data(10, 10, 3);
    const leak = xs.map((_, i) => [0, 0, Number((ids[i] as string).slice(1)) * 7.3 + (labels[i] as number) * 0.001]);
    const fit = fitPadHead(leak, labels, ids, { lambdas: [1e-3], targetBpcer: 0.05, folds: 5 });
    const auc = (() => {
      const l = [...fit.heldApart].filter((_, i) => labels[i] === 1);
      const a = [...fit.heldApart].filter((_, i) => labels[i] === 0);
      let s = 0;
      for (const x of l) for (const y of a) s += x > y ? 1 : x === y ? 0.5 : 0;
      return s / (l.length * a.length);
    })();
    expect(auc).toBeLessThan(0.9);
  });

  it('refuses data from a single group, and a threshold without live scores', () => {
    const { xs, labels } = data(2, 5);
    expect(() =>
      fitPadHead(
        xs,
        labels,
        xs.map(() => 'one'),
        { lambdas: [1e-2], targetBpcer: 0.05, folds: 5 },
      ),
    ).toThrow(/at least two groups/);
    expect(() => thresholdAtBpcer([], 0.05)).toThrow(/no live presentation/);
    expect(thresholdAtBpcer([0.1, 0.2, 0.3, 0.4], 0.25)).toBe(0.2);
  });
});
