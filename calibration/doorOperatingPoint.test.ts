import { describe, expect, it } from 'vitest';
import { doorOperatingPoint, type IdentityImages } from './doorSimulation.js';

/** Embeddings [identity, frame quality 0-9]: a toy similarity that depends on both. */
function people(count: number, images: number): IdentityImages[] {
  return Array.from({ length: count }, (_, id) => ({
    identity: `p${id}`,
    embeddings: Array.from({ length: images }, (_, i) =>
      i === 2 && id === 0 ? undefined : Float32Array.from([id, (id * 7 + i * 3) % 10]),
    ),
  }));
}

const options = { k: 3, n: 5, templates: 2, targetFar: 1e-3, impostorApproaches: 20_000, genuinePerIdentity: 10, seed: 1 };

describe('the door operating point (k of n frames, several templates, a door-level FAR)', () => {
  it('puts the threshold above all but the allowed impostor approaches and counts the genuine ones it turns away', () => {
    const sim = (t: Float32Array, p: Float32Array) => (t[0] === p[0] ? 0.8 : 0.3) + 0.01 * (p[1] ?? 0);
    const r = doorOperatingPoint(people(6, 8), sim, options);
    expect(r).toBeDefined();
    if (!r) return;
    expect(r.far).toBeLessThanOrEqual(options.targetFar);
    expect(r.threshold).toBeGreaterThanOrEqual(0.3);
    expect(r.threshold).toBeLessThan(0.8);
    // a missed face (person 0's third image) never passes, but 3 of 5 frames still do
    expect(r.frr).toBe(0);
    expect(r).toMatchObject({ identities: 6, genuineApproaches: 60, impostorApproaches: 20_000, templates: 2 });
  });

  it('turns every genuine approach away when impostors score higher, and says nothing without two people to compare', () => {
    const inverted = (t: Float32Array, p: Float32Array) => (t[0] === p[0] ? 0.2 : 0.9) + 0.001 * (p[1] ?? 0);
    expect(doorOperatingPoint(people(6, 8), inverted, options)?.frr).toBe(1);
    expect(doorOperatingPoint(people(1, 8), inverted, options)).toBeUndefined();
    // people with no more images than templates cannot make a genuine approach
    expect(doorOperatingPoint(people(6, 2), inverted, options)).toBeUndefined();
  });
});
