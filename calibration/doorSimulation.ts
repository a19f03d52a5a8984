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
