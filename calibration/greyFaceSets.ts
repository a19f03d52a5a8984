import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DatasetError } from '../common/errors.js';
import type { Similarity } from './foldPairs.js';

/** One face of a grey dataset: who, under which light (or condition), and whether it is the person's enrolment picture. */
export interface GreyFace {
  readonly path: string;
  readonly identity: string;
  readonly condition: string;
  readonly enrol: boolean;
}

export interface GreyFaceSet {
  readonly name: 'yale' | 'orl';
  readonly dir: string;
  readonly faces: readonly GreyFace[];
  /** The picture each person is enrolled from. */
  readonly enrolledFrom: string;
}

/** Yale's conditions as the door would name them (the light's direction, or what else varies). */
const YALE_CONDITIONS: Readonly<Record<string, string>> = {
  centerlight: 'light from the front',
  leftlight: 'light from the left',
  rightlight: 'light from the right',
};

/**
 * A grey face dataset by its layout: the Yale Face Database (files `subjectNN.condition`: centre, left and right
 * light, expressions, glasses; enrolled from `normal`) or AT&T/ORL (`sN/M.pgm`, even light, pose varies; enrolled
 * from `1.pgm`). A folder holding the dataset's own folder (yalefaces/yalefaces, att_orl_faces/att_faces) is accepted.
 */
export function readGreyFaceSet(dir: string): GreyFaceSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetError(`${dir} is not a folder of grey faces (Yale or ORL layout)`);
  const names = readdirSync(dir);
  for (const inner of ['yalefaces', 'att_faces']) if (names.includes(inner)) return readGreyFaceSet(join(dir, inner));
  const yale = names.filter((n) => /^subject\d+\.[a-z]+$/.test(n)).sort();
  if (yale.length > 0) {
    const faces = yale.map((n) => {
      const [identity, raw] = n.split('.') as [string, string];
      const condition = YALE_CONDITIONS[raw] ?? 'ambient light (expressions, glasses)';
      return { path: join(dir, n), identity, condition, enrol: raw === 'normal' };
    });
    return { name: 'yale', dir, faces, enrolledFrom: 'normal (ambient frontal light)' };
  }
  const orl = names.filter((n) => /^s\d+$/.test(n) && statSync(join(dir, n)).isDirectory()).sort();
  if (orl.length > 0) {
    const faces = orl.flatMap((s) =>
      readdirSync(join(dir, s))
        .filter((f) => /^\d+\.pgm$/.test(f))
        .sort()
        .map((f) => ({ path: join(dir, s, f), identity: s, condition: 'even light, pose varies', enrol: basename(f) === '1.pgm' })),
    );
    return { name: 'orl', dir, faces, enrolledFrom: '1.pgm' };
  }
  throw new DatasetError(`${dir} has neither Yale files (subjectNN.condition) nor ORL folders (sN/M.pgm)`);
}

/** One condition's rates at one threshold. */
export interface ConditionRates {
  readonly condition: string;
  /** Genuine probes (the person's other pictures under this condition) against their enrolment picture. */
  readonly genuine: number;
  readonly frr: number;
  /** Probes under this condition against every picture of every other person. */
  readonly impostorPairs: number;
  readonly far: number;
}

/**
 * FRR and FAR per condition at each threshold: a probe is compared with its person's enrolment picture (genuine) and
 * with every picture of everyone else (impostor); a missed face is a reject, never a false accept.
 */
export function ratesByCondition(
  set: GreyFaceSet,
  embeddings: readonly (Float32Array | undefined)[],
  similarity: Similarity,
  thresholds: Readonly<Record<string, number>>,
): { threshold: string; value: number; rows: ConditionRates[] }[] {
  const enrolled = new Map<string, Float32Array | undefined>();
  set.faces.forEach((f, i) => {
    if (f.enrol) enrolled.set(f.identity, embeddings[i]);
  });
  const conditions = [...new Set(set.faces.filter((f) => !f.enrol).map((f) => f.condition))];
  return Object.entries(thresholds).map(([name, t]) => ({
    threshold: name,
    value: t,
    rows: conditions.map((condition) => {
      let genuine = 0;
      let rejected = 0;
      let impostorPairs = 0;
      let accepted = 0;
      set.faces.forEach((f, i) => {
        if (f.enrol || f.condition !== condition) return;
        const probe = embeddings[i];
        const template = enrolled.get(f.identity);
        genuine++;
        if (!probe || !template || !(similarity(template, probe) > t)) rejected++;
        set.faces.forEach((g, j) => {
          if (g.identity === f.identity) return;
          impostorPairs++;
          const other = embeddings[j];
          if (probe && other && similarity(probe, other) > t) accepted++;
        });
      });
      return { condition, genuine, frr: rejected / Math.max(1, genuine), impostorPairs, far: accepted / Math.max(1, impostorPairs) };
    }),
  }));
}
