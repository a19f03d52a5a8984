import { randomIndex, seededRandom } from '../common/seededRandom.js';

/** An image's embedding (undefined when no face was found) and its identity. */
export interface IdentityImages {
  readonly identity: string;
  readonly embeddings: readonly (Float32Array | undefined)[];
}

export interface DoorRates {
  /** Fraction of genuine approaches that did NOT open the door. */
  readonly frr: number;
  /** Fraction of impostor approaches that opened it. */
  readonly far: number;
  readonly genuineApproaches: number;
  readonly impostorApproaches: number;
  /** Per-frame rates at the same threshold, over the same frames, for comparison. */
  readonly frameFrr: number;
  readonly frameFar: number;
}

export interface DoorSimulationOptions {
  readonly threshold: number;
  readonly k: number;
  readonly n: number;
  /** Templates enrolled per user (the first images of the identity). */
  readonly templates: number;
  readonly impostorApproaches: number;
  readonly seed: number;
}

/**
 * The door-level error rates of the daemon's k-of-n fusion, simulated from per-image scores: a user is enrolled
 * from their first images; an approach is n frames drawn (with replacement) from the other images of one identity,
 * each scored as the best cosine to the user's templates; the door opens when k of them pass the threshold. A
 * frame without a face never passes. Real frames of one approach are more alike than different photos, so the
 * door FAR here is a lower bound on the benefit of fusion, not a promise.
 */
export function simulateDoor(
  people: readonly IdentityImages[],
  similarity: (a: Float32Array, b: Float32Array) => number,
  o: DoorSimulationOptions,
): DoorRates {
  const random = seededRandom(o.seed);
  const usable = people.filter((p) => p.embeddings.length > o.templates);
  if (usable.length < 2) {
    // too few people with enough photos (a small export): no door-level rates, said as NaN, not a crash
    return {
      frr: Number.NaN,
      far: Number.NaN,
      genuineApproaches: usable.length,
      impostorApproaches: 0,
      frameFrr: Number.NaN,
      frameFar: Number.NaN,
    };
  }
  const templatesOf = (p: IdentityImages) => p.embeddings.slice(0, o.templates).filter((e): e is Float32Array => e !== undefined);
  const probesOf = (p: IdentityImages) => p.embeddings.slice(o.templates);
  const frameScore = (templates: Float32Array[], probe: Float32Array | undefined) =>
    probe === undefined || templates.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...templates.map((t) => similarity(t, probe)));
  const frames = { gen: 0, genPass: 0, imp: 0, impPass: 0 };
  const approach = (templates: Float32Array[], probes: readonly (Float32Array | undefined)[], genuine: boolean) => {
    let passed = 0;
    for (let f = 0; f < o.n; f++) {
      const ok = frameScore(templates, probes[randomIndex(random, probes.length)]) > o.threshold;
      if (ok) passed++;
      if (genuine) {
        frames.gen++;
        if (ok) frames.genPass++;
      } else {
        frames.imp++;
        if (ok) frames.impPass++;
      }
    }
    return passed >= o.k;
  };
  let genuineRejected = 0;
  for (const p of usable) if (!approach(templatesOf(p), probesOf(p), true)) genuineRejected++;
  let impostorAccepted = 0;
  for (let i = 0; i < o.impostorApproaches; i++) {
    const owner = usable[randomIndex(random, usable.length)] as IdentityImages;
    let visitor = usable[randomIndex(random, usable.length)] as IdentityImages;
    while (visitor === owner) visitor = usable[randomIndex(random, usable.length)] as IdentityImages;
    if (approach(templatesOf(owner), visitor.embeddings, false)) impostorAccepted++;
  }
  return {
    frr: genuineRejected / usable.length,
    far: impostorAccepted / o.impostorApproaches,
    genuineApproaches: usable.length,
    impostorApproaches: o.impostorApproaches,
    frameFrr: 1 - frames.genPass / Math.max(1, frames.gen),
    frameFar: frames.impPass / Math.max(1, frames.imp),
  };
}

export interface DoorOperatingOptions {
  readonly k: number;
  readonly n: number;
  /** Templates per user (the first images of the identity); a frame scores its best template, as the door does. */
  readonly templates: number;
  /** The door-level false accept rate to choose the threshold for (per impostor approach). */
  readonly targetFar: number;
  readonly impostorApproaches: number;
  /** Genuine approaches drawn per identity (its frames with replacement from its other images). */
  readonly genuinePerIdentity: number;
  readonly seed: number;
}

export interface DoorOperatingPoint {
  readonly threshold: number;
  readonly far: number;
  readonly frr: number;
  readonly targetFar: number;
  readonly templates: number;
  readonly identities: number;
  readonly genuineApproaches: number;
  readonly impostorApproaches: number;
}

/**
 * The threshold at which the door's k-of-n rule, with several templates per user, lets through at most `targetFar`
 * of impostor approaches, and the share of genuine approaches it then turns away. An approach opens the door when
 * its k-th best frame score passes the threshold, so each simulated approach is kept as that one score and the rates
 * at every threshold follow from sorting them.
 */
export function doorOperatingPoint(
  people: readonly IdentityImages[],
  similarity: (a: Float32Array, b: Float32Array) => number,
  o: DoorOperatingOptions,
): DoorOperatingPoint | undefined {
  const random = seededRandom(o.seed);
  const usable = people
    .map((p) => ({ templates: p.embeddings.slice(0, o.templates).filter((e): e is Float32Array => e !== undefined), p }))
    .filter((u) => u.templates.length === o.templates && u.p.embeddings.length > o.templates);
  if (usable.length < 2) return undefined;
  const kth = (templates: readonly Float32Array[], probes: readonly (Float32Array | undefined)[]) => {
    const scores: number[] = [];
    for (let f = 0; f < o.n; f++) {
      const probe = probes[randomIndex(random, probes.length)];
      let best = Number.NEGATIVE_INFINITY;
      if (probe) for (const t of templates) best = Math.max(best, similarity(t, probe));
      scores.push(best);
    }
    return scores.sort((a, b) => b - a)[o.k - 1] ?? Number.NEGATIVE_INFINITY;
  };
  const genuine: number[] = [];
  for (const u of usable) for (let i = 0; i < o.genuinePerIdentity; i++) genuine.push(kth(u.templates, u.p.embeddings.slice(o.templates)));
  const impostor = new Float64Array(o.impostorApproaches);
  for (let i = 0; i < o.impostorApproaches; i++) {
    const owner = usable[randomIndex(random, usable.length)] as (typeof usable)[number];
    let visitor = usable[randomIndex(random, usable.length)] as (typeof usable)[number];
    while (visitor === owner) visitor = usable[randomIndex(random, usable.length)] as (typeof usable)[number];
    impostor[i] = kth(owner.templates, visitor.p.embeddings);
  }
  impostor.sort();
  // the smallest threshold t with #(impostor > t) <= targetFar * N: t = the (allowed + 1)-th highest impostor score
  const allowed = Math.floor(o.targetFar * o.impostorApproaches);
  const threshold = impostor[impostor.length - 1 - allowed] ?? Number.POSITIVE_INFINITY;
  const above = (scores: ArrayLike<number>) => Array.from(scores).filter((s) => s > threshold).length;
  return {
    threshold,
    far: above(impostor) / o.impostorApproaches,
    frr: 1 - above(genuine) / genuine.length,
    targetFar: o.targetFar,
    templates: o.templates,
    identities: usable.length,
    genuineApproaches: genuine.length,
    impostorApproaches: o.impostorApproaches,
  };
}
