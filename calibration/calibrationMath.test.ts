import { describe, expect, it } from 'vitest';
import { fitPlatt, fitTemperature, predictions, probability, reliability } from '../common/scoreCalibration.js';
import { seededRandom } from '../common/seededRandom.js';
import { livenessErrors } from './attackData.js';
import { bootstrapIntervals, type Weighted, weightedEer, weightedTarAtFar } from './bootstrap.js';

/** Unit weights: the plain statistic, for checking the weighted versions against the unweighted ones. */
const unitWeighted = (desc: Float64Array): Weighted => ({ desc, weights: new Uint8Array(desc.length).fill(1), total: desc.length });

import { conditionErrors } from './conditionAnalysis.js';
import { errorCurve } from './curves.js';
import { simulateDoor } from './doorSimulation.js';
import { bestAccuracyThreshold, type FoldScores, heldOutAccuracy, heldOutAtFar } from './kfold.js';
import { equalErrorRate, sortedDescending, tarAtFar } from './verificationMetrics.js';

const f64 = (v: number[]) => Float64Array.from(v);
// Hand-computed set: genuine 0.9 0.8 0.7 0.4; impostor 0.6 0.5 0.3 0.2 0.1 (see verificationMetrics.test.ts)
const genuine = [0.9, 0.8, 0.7, 0.4];
const impostor = [0.6, 0.5, 0.3, 0.2, 0.1];

describe('k-fold threshold selection', () => {
  const fold = (n: number, g: number[], i: number[]): FoldScores => ({
    fold: n,
    pairGenuine: f64(g),
    pairImpostor: f64(i),
    genuine: f64(g),
    impostor: f64(i),
  });
  const folds = [fold(1, [0.91, 0.81], [0.11, 0.51]), fold(2, [0.92, 0.82], [0.12, 0.52]), fold(3, [0.93, 0.53], [0.13, 0.83])];

  it('never picks a threshold from the evaluated fold: the chooser sees only the other folds', () => {
    const seen: number[][] = [];
    heldOutAccuracy(folds, (g, i) => {
      seen.push([...Array.from(g), ...Array.from(i)]);
      return 0.5;
    });
    folds.forEach((f, k) => {
      const own = [...f.pairGenuine, ...f.pairImpostor];
      expect(seen[k]?.some((v) => own.includes(v))).toBe(false);
      expect(seen[k]).toHaveLength(8);
    });
  });

  it('measures each fold at the threshold of the others (hand-computed)', () => {
    // folds 2+3: genuine .92 .82 .93 .53, impostor .12 .52 .13 .83 -> best accuracy 6/8 at t = .52 (accept > .52)
    expect(bestAccuracyThreshold(f64([0.92, 0.82, 0.93, 0.53]), f64([0.12, 0.52, 0.13, 0.83]))).toBeCloseTo(0.52);
    const r = heldOutAccuracy(folds);
    // fold 1 at .52: genuine .91 .81 accepted, impostors .11 .51 rejected -> 4/4
    expect(r[0]).toMatchObject({ fold: 1, threshold: 0.52, value: 1 });
    // fold 3 at the .52 of folds 1+2: .93 .53 accepted, .13 rejected, impostor .83 accepted -> 3/4
    expect(r[2]).toMatchObject({ fold: 3, threshold: 0.52, value: 0.75 });
  });

  it('chooses the FAR threshold on the other folds and reports TAR and FAR on the held-out one', () => {
    const r = heldOutAtFar(folds, 0.25);
    // folds 2+3 impostors .83 .52 .13 .12: k = floor(.25 * 4) = 1 -> threshold .52; fold 1: genuine 2/2 > .52, impostor 0/2
    expect(r[0]).toMatchObject({ fold: 1, threshold: 0.52, tar: 1, far: 0 });
    // folds 1+2 impostors .52 .51 .12 .11 -> threshold .51; fold 3: genuine .93 .53 both > .51, impostor .83 accepted
    expect(r[2]).toMatchObject({ fold: 3, threshold: 0.51, tar: 1, far: 0.5 });
  });
});

describe('bootstrap', () => {
  const g = sortedDescending(genuine);
  const i = sortedDescending(impostor);

  it('the weighted statistics with unit weights equal the plain ones', () => {
    expect(weightedTarAtFar(unitWeighted(g), unitWeighted(i), 0.2)).toBeCloseTo(tarAtFar(genuine, impostor, 0.2).tar);
    expect(weightedEer(unitWeighted(g), unitWeighted(i))).toBeCloseTo(equalErrorRate(genuine, impostor).eer);
  });

  it('gives the same intervals for the same seed, other ones for another seed, and intervals that contain the estimate', () => {
    const rand = (seed: number, n: number, shift: number) => {
      const next = seededRandom(seed);
      return f64(Array.from({ length: n }, () => next() * 0.5 + shift));
    };
    const G = sortedDescending(rand(7, 400, 0.4));
    const I = sortedDescending(rand(11, 4000, 0.1));
    const stats = {
      eer: weightedEer,
      tar: (a: Parameters<typeof weightedEer>[0], b: Parameters<typeof weightedEer>[1]) => weightedTarAtFar(a, b, 0.01),
    };
    const a = bootstrapIntervals(G, I, stats, { replicates: 100, seed: 3 });
    const b = bootstrapIntervals(G, I, stats, { replicates: 100, seed: 3 });
    const c = bootstrapIntervals(G, I, stats, { replicates: 100, seed: 4 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const eer = equalErrorRate(G, I).eer;
    expect(a.eer?.low).toBeLessThanOrEqual(eer);
    expect(a.eer?.high).toBeGreaterThanOrEqual(eer);
    expect((a.eer?.high ?? 0) - (a.eer?.low ?? 0)).toBeGreaterThan(0);
  });
});

describe('score calibration', () => {
  // scores drawn so that P(same | s) rises with s: 0.2 -> 1/5 same, 0.5 -> 1/2, 0.8 -> 4/5
  const gen = [0.2, 0.5, 0.5, 0.8, 0.8, 0.8, 0.8];
  const imp = [0.2, 0.2, 0.2, 0.2, 0.5, 0.5, 0.8];

  it('Platt scaling is monotone and near the observed frequencies', () => {
    const m = fitPlatt(gen, imp);
    expect(probability(m, 0.8)).toBeGreaterThan(probability(m, 0.5));
    expect(probability(m, 0.5)).toBeCloseTo(0.5, 1);
    expect(probability(m, 0.8)).toBeGreaterThan(0.65);
    expect(probability(m, 0.2)).toBeLessThan(0.35);
  });

  it('temperature scaling keeps its centre at p = 0.5 and learns a softer slope for overlapping scores', () => {
    const sharp = fitTemperature([0.9, 0.95], [0.1, 0.15], 0.5);
    const soft = fitTemperature(gen, imp, 0.5);
    expect(probability(soft, 0.5)).toBeCloseTo(0.5, 6);
    expect(soft.method === 'temperature' && sharp.method === 'temperature' && soft.temperature > sharp.temperature).toBe(true);
  });

  it('computes the expected calibration error by hand', () => {
    // two predictions in bin [0.8, 0.9): mean 0.8, observed 1/2 -> gap 0.3; one in [0.1, 0.2): 0.1 vs 0 -> 0.1
    const r = reliability([
      { p: 0.8, y: 1 },
      { p: 0.8, y: 0 },
      { p: 0.1, y: 0 },
    ]);
    expect(r.ece).toBeCloseTo((2 / 3) * 0.3 + (1 / 3) * 0.1);
    expect(r.bins[8]).toMatchObject({ count: 2, observed: 0.5 });
    expect(predictions({ method: 'platt', a: 0, b: 0 }, [1, Number.NEGATIVE_INFINITY], [0])).toHaveLength(2); // a missed face is no prediction
  });
});

describe('curves, conditions, door simulation, liveness', () => {
  it('the error curve runs from FAR ~ 1/impostors to FAR 1 and FRR falls as FAR rises', () => {
    const c = errorCurve(genuine, impostor);
    expect(c[0]).toMatchObject({ far: 0, frr: 0.25 });
    expect(c.at(-1)?.far).toBeCloseTo(0.8);
    for (let k = 1; k < c.length; k++) expect(c[k]?.frr).toBeLessThanOrEqual(c[k - 1]?.frr ?? 1);
  });

  it('counts a pair in the bin of its harder image', () => {
    const easy = { yaw: 0, pitch: 6, luminance: 120, contrast: 50, meshScore: 0.99 };
    const turned = { ...easy, yaw: 35 };
    const rows = conditionErrors(
      [easy, turned, easy],
      [
        { a: 0, b: 1, score: 0.5, same: true }, // rejected, in yaw >= 30
        { a: 0, b: 2, score: 0.99, same: true }, // accepted, frontal
        { a: 1, b: 2, score: 0.95, same: false }, // false accept, yaw >= 30
      ],
      0.9,
    );
    const yaw = rows.filter((r) => r.condition === 'yaw');
    expect(yaw[0]).toMatchObject({ bin: '|yaw| < 10', genuinePairs: 1, frr: 0, impostorPairs: 0 });
    expect(yaw[3]).toMatchObject({ bin: '>= 30', genuinePairs: 1, frr: 1, impostorPairs: 1, far: 1 });
  });

  it('the door opens only on k of n passing frames: perfect separation gives FRR 0 and FAR 0', () => {
    const e = (x: number) => Float32Array.from([Math.cos(x), Math.sin(x)]);
    const people = [0, 1, 2, 3].map((p) => ({ identity: `p${p}`, embeddings: [e(p), e(p + 0.01), e(p - 0.01)] }));
    const dot = (a: Float32Array, b: Float32Array) => (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0);
    const r = simulateDoor(people, dot, { threshold: 0.99, k: 3, n: 5, templates: 1, impostorApproaches: 500, seed: 1 });
    expect(r).toMatchObject({ frr: 0, far: 0, genuineApproaches: 4 });
    // with a face never found (undefined probes) the owner never gets in
    const blind = people.map((p) => ({ ...p, embeddings: [p.embeddings[0], undefined, undefined] }));
    expect(simulateDoor(blind, dot, { threshold: 0.99, k: 3, n: 5, templates: 1, impostorApproaches: 10, seed: 1 }).frr).toBe(1);
  });

  it('APCER and BPCER per ISO/IEC 30107-3 (hand-computed); a missed bona fide face is a BPCER error', () => {
    const r = livenessErrors(
      [
        { attack: true, score: 0.9 },
        { attack: true, score: 0.2 },
        { attack: true, score: undefined },
        { attack: false, score: 0.8 },
        { attack: false, score: 0.4 },
        { attack: false, score: undefined },
      ],
      0.5,
    );
    expect(r).toMatchObject({ apcer: 1 / 3, bpcer: 2 / 3, attackNoFace: 1, bonaFideNoFace: 1, attacks: 3, bonaFide: 3 });
    expect(() => livenessErrors([{ attack: false, score: 0.5 }], 0.5)).toThrow(/both attack and bona fide/);
  });
});
