import type { Presentation } from './attackData.js';
import { measurePad } from './padMeasure.js';
import type { PadRates } from './presentationAttackRates.js';
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
 * ISO/IEC 30107-3 rates of every part (NUAA's in their order, then any other in order of appearance), per frame and
 * per approach: `n` consecutive frames of a recording, accepted when `k` of the last `n` frames were live (the door's
 * rule, without active liveness), as calibration/padMeasure.ts measures them.
 */
export function padRatesByPart(
  scored: readonly ScoredPresentation[],
  threshold: number,
  rule: { readonly k: number; readonly n: number },
): PartPadRates[] {
  const known = NUAA_PARTS as readonly string[];
  const rank = (p: string) => (known.includes(p) ? known.indexOf(p) : known.length);
  const parts = [...new Set(scored.map((s) => s.part))].sort((a, b) => rank(a) - rank(b));
  return parts.flatMap((part) => {
    const of = scored.filter((s) => s.part === part);
    const recordings = new Set(of.map((s) => s.sequence ?? s.file)).size;
    const m = measurePad(of, threshold, rule);
    return [
      { part, level: 'frame' as const, recordings, rates: m.frame },
      { part, level: 'approach' as const, recordings, rates: m.approach },
    ];
  });
}
