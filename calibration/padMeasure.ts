import { thresholdAtBpcer } from './padHead.js';
import { consecutiveWindows, kOfNAccepted, type PadRates, type Proportion, padRates, proportion } from './presentationAttackRates.js';
import { rocAuc } from './verificationMetrics.js';

/** A presentation as the measurement sees it: its label, species, recording and p(live) (undefined: no face found). */
export interface ScoredFrame {
  readonly attack: boolean;
  readonly species?: string;
  readonly sequence?: string;
  readonly frame?: number;
  readonly score: number | undefined;
}

/** What a PAD model did on a set of presentations at one threshold (ISO/IEC 30107-3), with the threshold-free figures. */
export interface PadMeasurement {
  readonly threshold: number;
  readonly frame: PadRates;
  /** k of n consecutive frames of each recording (the door's rule without active liveness). */
  readonly approach: PadRates;
  /** P(live score > attack score) over frames; a missed face scores below everything. */
  readonly auc: number | null;
  /** Per species: APCER per frame at the threshold that rejects 5% of these live frames (chosen on the data itself). */
  readonly apcerAtBpcer5: readonly { readonly species: string; readonly apcer: Proportion }[];
  /** The door's rule at that same threshold: per-approach APCER per species and BPCER (what the best threshold could do). */
  readonly approachAtBpcer5: PadRates;
  /** Species with fewer than `minAttacks` frames, and live frames fewer than `minBonaFide`: too few to say a rate. */
  readonly tooFew: readonly string[];
}

const value = (s: ScoredFrame) => s.score ?? Number.NEGATIVE_INFINITY;

/** Measures scored presentations at `threshold` (live when score >= threshold). */
export function measurePad(
  frames: readonly ScoredFrame[],
  threshold: number,
  rule: { readonly k: number; readonly n: number },
  enough: { readonly minAttacks: number; readonly minBonaFide: number } = { minAttacks: 30, minBonaFide: 30 },
): PadMeasurement {
  const live = (s: ScoredFrame) => s.score !== undefined && s.score >= threshold;
  const decision = (s: ScoredFrame, accepted: boolean) => ({ attack: s.attack, ...(s.species ? { species: s.species } : {}), accepted });
  const frame = padRates(frames.map((s) => decision(s, live(s))));
  const windows = consecutiveWindows(frames, rule.n);
  const approach = padRates(windows.map((w) => decision(w[0] as ScoredFrame, kOfNAccepted(w.map(live), rule.k, rule.n))));
  const bona = frames.filter((s) => !s.attack).map(value);
  const attacks = frames.filter((s) => s.attack);
  const finite = (v: number) => (Number.isFinite(v) ? v : -1e9);
  const auc =
    bona.length > 0 && attacks.length > 0
      ? rocAuc(
          bona.map(finite),
          attacks.map((s) => finite(value(s))),
        )
      : null;
  const at5 = bona.length > 0 ? thresholdAtBpcer(bona, 0.05) : Number.POSITIVE_INFINITY;
  const species = [...new Set(attacks.map((s) => s.species ?? 'unnamed'))].sort();
  const apcerAtBpcer5 = species.map((sp) => {
    const of = attacks.filter((s) => (s.species ?? 'unnamed') === sp);
    return { species: sp, apcer: proportion(of.filter((s) => value(s) >= at5 && s.score !== undefined).length, of.length) };
  });
  const approachAtBpcer5 = padRates(
    windows.map((w) =>
      decision(
        w[0] as ScoredFrame,
        kOfNAccepted(
          w.map((s) => s.score !== undefined && s.score >= at5),
          rule.k,
          rule.n,
        ),
      ),
    ),
  );
  const tooFew = [
    ...frame.species.filter((s) => s.apcer.of < enough.minAttacks).map((s) => `${s.species}: ${s.apcer.of} attack frames`),
    ...(frame.bpcer.of < enough.minBonaFide ? [`live: ${frame.bpcer.of} frames`] : []),
  ];
  return { threshold, frame, approach, auc, apcerAtBpcer5, approachAtBpcer5, tooFew };
}
