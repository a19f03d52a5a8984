import type { Presentation } from './attackData.js';
import { consecutiveWindows, kOfNAccepted, type PadRates, padRates } from './presentationAttackRates.js';
import { NUAA_PARTS } from './splitManifest.js';

/** A presentation with its part of the split and its p(live) (undefined: no face found, so never accepted). */
export type ScoredPresentation = Presentation & { readonly part: string; readonly score: number | undefined };

export interface PartPadRates {
  readonly part: string;
  readonly level: 'frame' | 'approach';
  /** Recordings the presentations come from (frames of one recording are not independent). */
  readonly recordings: number;
  readonly rates: PadRates;
}

/**
 * ISO/IEC 30107-3 rates of every part (NUAA's in their order, then any other in order of appearance), per frame and per approach: `n` consecutive frames of a recording, accepted
 * when `k` of the last `n` frames were live (the door's rule, without active liveness).
 */
export function padRatesByPart(
  scored: readonly ScoredPresentation[],
  threshold: number,
  rule: { readonly k: number; readonly n: number },
): PartPadRates[] {
  const live = (s: ScoredPresentation) => s.score !== undefined && s.score >= threshold;
  const out: PartPadRates[] = [];
  const known = NUAA_PARTS as readonly string[];
  const rank = (p: string) => (known.includes(p) ? known.indexOf(p) : known.length);
  const parts = [...new Set(scored.map((s) => s.part))].sort((a, b) => rank(a) - rank(b));
  for (const part of parts) {
    const of = scored.filter((s) => s.part === part);
    const recordings = new Set(of.map((s) => s.sequence ?? s.file)).size;
    out.push({
      part,
      level: 'frame',
      recordings,
      rates: padRates(of.map((s) => ({ attack: s.attack, ...(s.species ? { species: s.species } : {}), accepted: live(s) }))),
    });
    const windows = consecutiveWindows(of, rule.n);
    out.push({
      part,
      level: 'approach',
      recordings,
      rates: padRates(
        windows.map((w) => ({
          attack: w[0]?.attack ?? false,
          ...(w[0]?.species ? { species: w[0].species } : {}),
          accepted: kOfNAccepted(w.map(live), rule.k, rule.n),
        })),
      ),
    });
  }
  return out;
}
