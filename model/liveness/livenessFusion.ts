import type { ActiveEvidence } from './activeLiveness.js';

/**
 * How the active signals (blink, 3-D motion) join the passive classifier. `required`: an approach must show a blink
 * or parallax; a user who keeps perfectly still (as NUAA's live subjects were asked to) is then never admitted.
 * `optional` (the default): a tilt that one plane explains (a photo or a screen turned in front of the camera)
 * vetoes, and stillness is left to the passive classifier. `off`: the passive classifier alone.
 */
export type ActiveMode = 'off' | 'optional' | 'required';

export type LivenessVerdict = { live: true } | { live: false; why: 'passive' | 'planar' | 'no_active_sign' };

/** One frame's liveness: the passive verdict, then the active rule over the approach's frames so far. */
export function fuseLiveness(passiveLive: boolean, evidence: ActiveEvidence | undefined, mode: ActiveMode): LivenessVerdict {
  if (!passiveLive) return { live: false, why: 'passive' };
  if (mode === 'off' || !evidence) return mode === 'required' ? { live: false, why: 'no_active_sign' } : { live: true };
  const alive = evidence.depth || evidence.blink;
  if (mode === 'required') return alive ? { live: true } : { live: false, why: 'no_active_sign' };
  return evidence.planar && !alive ? { live: false, why: 'planar' } : { live: true };
}

/**
 * The one judgement of a frame's liveness: the passive score against its threshold (a frame never scored, rejected
 * before the liveness stage, is not live), then the approach's active signals.
 */
export function judgeLiveness(
  score: number | undefined,
  minScore: number,
  evidence: ActiveEvidence | undefined,
  mode: ActiveMode,
): LivenessVerdict {
  return fuseLiveness(score !== undefined && score >= minScore, evidence, mode);
}
