/**
 * ISO/IEC 30107-3 error rates with their uncertainty: APCER per presentation-attack instrument species (the worst
 * species is the headline, as the standard asks), BPCER, each with a 95% Wilson score interval.
 */

/** A share of a count, with its 95% Wilson interval (null when there is nothing to count). */
export interface Proportion {
  readonly count: number;
  readonly of: number;
  readonly rate: number | null;
  readonly ci95: readonly [number, number] | null;
}

/** `count` of `of` with the Wilson score interval: sound at 0 and at small counts, where the normal one is not. */
export function proportion(count: number, of: number, z = 1.959964): Proportion {
  if (of === 0) return { count, of, rate: null, ci95: null };
  const p = count / of;
  const z2 = z * z;
  const centre = (p + z2 / (2 * of)) / (1 + z2 / of);
  const half = (z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of))) / (1 + z2 / of);
  return { count, of, rate: p, ci95: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}

/** A proportion as "1.20% (3/250, 0.41-3.47%)", percentages written by `percent`; `none` when it counts nothing. */
export function formatProportion(p: Proportion, percent: (v: number) => string, none = '-'): string {
  if (p.rate === null || p.ci95 === null) return none;
  return `${percent(p.rate)} (${p.count}/${p.of}, ${percent(p.ci95[0])}-${percent(p.ci95[1])})`;
}

/** One presentation's outcome: an attack (of a species) or a bona fide one, and whether it was accepted as live. */
export interface PadDecision {
  readonly attack: boolean;
  readonly species?: string;
  readonly accepted: boolean;
}

export interface PadRates {
  /** APCER of each species: attacks of it accepted as bona fide. */
  readonly species: readonly { readonly species: string; readonly apcer: Proportion }[];
  /** The species with the highest APCER (null without attacks). */
  readonly worst: { readonly species: string; readonly apcer: Proportion } | null;
  /** Bona fide presentations rejected. */
  readonly bpcer: Proportion;
}

/** APCER per species, the worst one, and BPCER over a set of decisions (an attack without a species is `unnamed`). */
export function padRates(decisions: readonly PadDecision[]): PadRates {
  const bySpecies = new Map<string, { accepted: number; of: number }>();
  let bonaFide = 0;
  let rejected = 0;
  for (const d of decisions) {
    if (!d.attack) {
      bonaFide++;
      if (!d.accepted) rejected++;
      continue;
    }
    const key = d.species ?? 'unnamed';
    const c = bySpecies.get(key) ?? { accepted: 0, of: 0 };
    c.of++;
    if (d.accepted) c.accepted++;
    bySpecies.set(key, c);
  }
  const species = [...bySpecies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => ({ species: name, apcer: proportion(c.accepted, c.of) }));
  const worst = species.reduce<PadRates['worst']>((w, s) => (w === null || (s.apcer.rate ?? 0) > (w.apcer.rate ?? 0) ? s : w), null);
  return { species, worst, bpcer: proportion(rejected, bonaFide) };
}

/** Consecutive frames of each recording, `length` at a time in frame order (an approach to the door); a rest is dropped. */
export function consecutiveWindows<T extends { readonly sequence?: string; readonly frame?: number }>(
  items: readonly T[],
  length: number,
): T[][] {
  const bySequence = new Map<string, T[]>();
  for (const item of items) {
    if (item.sequence === undefined) continue;
    const seq = bySequence.get(item.sequence);
    if (seq) seq.push(item);
    else bySequence.set(item.sequence, [item]);
  }
  const out: T[][] = [];
  for (const seq of bySequence.values()) {
    const frames = [...seq].sort((a, b) => (a.frame ?? 0) - (b.frame ?? 0));
    for (let i = 0; i + length <= frames.length; i += length) out.push(frames.slice(i, i + length));
  }
  return out;
}

/** Whether k of the last n frames were live at some point of an approach (the door's rule without active liveness). */
export function kOfNAccepted(live: readonly boolean[], k: number, n: number): boolean {
  for (let end = 1; end <= live.length; end++) if (live.slice(Math.max(0, end - n), end).filter(Boolean).length >= k) return true;
  return false;
}
