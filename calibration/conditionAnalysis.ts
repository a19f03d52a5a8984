import { FRONTAL_PITCH } from '../model/poseBins.js';

/** Conditions an image was seen under (undefined when no face was found). */
export interface ImageConditions {
  readonly yaw: number;
  readonly pitch: number;
  readonly luminance: number;
  readonly contrast: number;
  /** FaceMesh confidence: drops when part of the face is hidden (hand, scarf, mask): the occlusion proxy. */
  readonly meshScore: number;
}

interface BinSpec {
  readonly condition: string;
  readonly labels: readonly string[];
  /** Index of the bin a pair falls in: the harder of its two images decides. */
  readonly bin: (c: ImageConditions) => number;
}

const edges = (v: number, cuts: readonly number[]) => {
  let i = 0;
  while (i < cuts.length && v >= (cuts[i] as number)) i++;
  return i;
};

/** The bins, each ordered from easy to hard so that a pair takes the larger index of its two images. */
export const CONDITION_BINS: readonly BinSpec[] = [
  { condition: 'yaw', labels: ['|yaw| < 10', '10-20', '20-30', '>= 30'], bin: (c) => edges(Math.abs(c.yaw), [10, 20, 30]) },
  {
    condition: 'pitch',
    labels: ['|pitch| < 10', '10-20', '>= 20'],
    bin: (c) => edges(Math.abs(c.pitch - FRONTAL_PITCH), [10, 20]),
  },
  {
    condition: 'illumination',
    labels: ['mean 90-170', '60-90 or 170-200', '< 60 or > 200'],
    bin: (c) => (c.luminance >= 90 && c.luminance <= 170 ? 0 : c.luminance >= 60 && c.luminance <= 200 ? 1 : 2),
  },
  { condition: 'contrast', labels: ['sd >= 45', '30-45', '< 30'], bin: (c) => 2 - edges(c.contrast, [30, 45]) },
  { condition: 'occlusion', labels: ['mesh >= 0.9', '0.75-0.9', '< 0.75'], bin: (c) => 2 - edges(c.meshScore, [0.75, 0.9]) },
];

export interface ConditionRow {
  readonly condition: string;
  readonly bin: string;
  readonly genuinePairs: number;
  readonly frr: number;
  readonly impostorPairs: number;
  readonly far: number;
}

/** One scored pair of images, by index into the conditions list. */
export interface ScoredPair {
  readonly a: number;
  readonly b: number;
  readonly score: number;
  readonly same: boolean;
}

/**
 * FRR and FAR at the operating threshold per condition bin. Pairs with a missed face have no conditions and are
 * counted apart (the failure-to-enrol count of the report).
 */
export function conditionErrors(
  conditions: readonly (ImageConditions | undefined)[],
  pairs: Iterable<ScoredPair>,
  threshold: number,
): ConditionRow[] {
  const acc = CONDITION_BINS.map((spec) => spec.labels.map(() => ({ gen: 0, genRej: 0, imp: 0, impAcc: 0 })));
  for (const p of pairs) {
    const ca = conditions[p.a];
    const cb = conditions[p.b];
    if (!ca || !cb) continue;
    CONDITION_BINS.forEach((spec, s) => {
      const cell = acc[s]?.[Math.max(spec.bin(ca), spec.bin(cb))];
      if (!cell) return;
      if (p.same) {
        cell.gen++;
        if (p.score <= threshold) cell.genRej++;
      } else {
        cell.imp++;
        if (p.score > threshold) cell.impAcc++;
      }
    });
  }
  return CONDITION_BINS.flatMap((spec, s) =>
    spec.labels.map((label, b) => {
      const c = acc[s]?.[b] ?? { gen: 0, genRej: 0, imp: 0, impAcc: 0 };
      return {
        condition: spec.condition,
        bin: label,
        genuinePairs: c.gen,
        frr: c.gen ? c.genRej / c.gen : Number.NaN,
        impostorPairs: c.imp,
        far: c.imp ? c.impAcc / c.imp : Number.NaN,
      };
    }),
  );
}
