import { thresholdAtBpcer } from '../../calibration/padHead.js';
import { consecutiveWindows } from '../../calibration/presentationAttackRates.js';
import { NUAA_PARTS } from '../../calibration/splitManifest.js';
import { ApproachLiveness } from '../../model/liveness/activeLiveness.js';
import { type ActiveMode, fuseLiveness } from '../../model/liveness/livenessFusion.js';
import type { LivenessSample } from './livenessData.js';

/** APCER and BPCER of one method on one part (ISO/IEC 30107-3); a missed face is an attack stopped, a live user rejected. */
export interface RateRow {
  readonly method: string;
  readonly part: string;
  readonly level: 'frame' | 'approach';
  readonly attacks: number;
  readonly bonaFide: number;
  readonly apcer: number | null;
  readonly bpcer: number;
}

export type FrameLive = (s: LivenessSample) => boolean;

export function frameRates(method: string, part: string, samples: readonly LivenessSample[], live: FrameLive): RateRow {
  const attacks = samples.filter((s) => s.attack);
  const bonaFide = samples.filter((s) => !s.attack);
  const ok = (s: LivenessSample) => s.crop !== undefined && live(s);
  return {
    method,
    part,
    level: 'frame',
    attacks: attacks.length,
    bonaFide: bonaFide.length,
    apcer: attacks.length === 0 ? null : attacks.filter(ok).length / attacks.length,
    bpcer: bonaFide.filter((s) => !ok(s)).length / Math.max(1, bonaFide.length),
  };
}

/** Consecutive frames of one NUAA sequence, `length` at a time (a person's approach to the door). */
export function approaches(samples: readonly LivenessSample[], length: number): LivenessSample[][] {
  return consecutiveWindows(samples, length);
}

export interface FusionRule {
  readonly k: number;
  readonly n: number;
  readonly active: ActiveMode;
}

/**
 * The door's decision over one approach: frame by frame, each frame with a face is live when the passive verdict and
 * the active rule over the frames so far agree; the approach is accepted as soon as k of the last n frames are live.
 */
export function approachAccepted(frames: readonly LivenessSample[], live: FrameLive, rule: FusionRule): boolean {
  const active = new ApproachLiveness();
  const recent: boolean[] = [];
  for (const f of frames) {
    if (f.crop === undefined || !f.landmarks || !f.eyes) continue;
    active.add(f.landmarks, f.eyes);
    recent.push(fuseLiveness(live(f), active.evidence(), rule.active).live);
    if (recent.slice(-rule.n).filter(Boolean).length >= rule.k) return true;
  }
  return false;
}

export function approachRates(
  method: string,
  part: string,
  samples: readonly LivenessSample[],
  live: FrameLive,
  rule: FusionRule,
  length = rule.n,
): RateRow {
  const all = approaches(samples, length);
  const attacks = all.filter((a) => a[0]?.attack);
  const bonaFide = all.filter((a) => !a[0]?.attack);
  return {
    method,
    part,
    level: 'approach',
    attacks: attacks.length,
    bonaFide: bonaFide.length,
    apcer: attacks.length === 0 ? null : attacks.filter((a) => approachAccepted(a, live, rule)).length / attacks.length,
    bpcer: bonaFide.filter((a) => !approachAccepted(a, live, rule)).length / Math.max(1, bonaFide.length),
  };
}

/** The largest threshold that keeps BPCER at or below the target: live scores at or above it pass (0.5 with none). */
export function thresholdForBpcer(liveScores: readonly number[], targetBpcer: number): number {
  return liveScores.length === 0 ? 0.5 : thresholdAtBpcer(liveScores, targetBpcer);
}

/**
 * APCER/BPCER of the shipped nets, the trained net, the texture model (when given) and the fused decisions: per frame
 * and per approach (n consecutive frames, as `facelock calibrate` counts them) on NUAA, per frame elsewhere.
 */
export function livenessRates(
  samples: readonly LivenessSample[],
  trained: FrameLive,
  rule: Omit<FusionRule, 'active'>,
  texture?: FrameLive,
): RateRow[] {
  const of = (part: string) => samples.filter((s) => s.part === part);
  const antispoof = (s: LivenessSample) => (s.antispoof ?? 0) >= 0.5;
  const shippedLive = (s: LivenessSample) => (s.liveness ?? 0) >= 0.5;
  const rates: RateRow[] = [];
  for (const part of NUAA_PARTS) {
    if (!samples.some((s) => s.part === part)) continue;
    const ss = of(part);
    rates.push(frameRates('shipped antispoof >= 0.5', part, ss, antispoof));
    rates.push(frameRates('shipped liveness >= 0.5', part, ss, shippedLive));
    rates.push(frameRates('trained', part, ss, trained));
    rates.push(approachRates('shipped antispoof, k of n', part, ss, antispoof, { ...rule, active: 'off' }));
    rates.push(approachRates('trained, k of n', part, ss, trained, { ...rule, active: 'off' }));
    rates.push(approachRates('fused: trained + active (optional)', part, ss, trained, { ...rule, active: 'optional' }));
    rates.push(approachRates('fused: trained + active (required)', part, ss, trained, { ...rule, active: 'required' }));
    if (texture) {
      rates.push(frameRates('texture (LBP)', part, ss, texture));
      rates.push(approachRates('texture, k of n', part, ss, texture, { ...rule, active: 'off' }));
      rates.push(approachRates('fused: texture + active (optional)', part, ss, texture, { ...rule, active: 'optional' }));
    }
  }
  const others = [...new Set(samples.map((s) => s.part))].filter(
    (x) => x === 'bona-fide' || x === 'bona-fide-dev' || x.startsWith('check:'),
  );
  for (const part of others) {
    const ss = of(part);
    rates.push(frameRates('shipped antispoof >= 0.5', part, ss, antispoof));
    rates.push(frameRates('shipped liveness >= 0.5', part, ss, shippedLive));
    rates.push(frameRates('trained', part, ss, trained));
    if (texture) rates.push(frameRates('texture (LBP)', part, ss, texture));
  }
  return rates;
}

/** Attacks, bona fide presentations and faces not found, per part of the data. */
export function countsByPart(samples: readonly LivenessSample[]): Record<string, { attacks: number; bonaFide: number; noFace: number }> {
  const counts: Record<string, { attacks: number; bonaFide: number; noFace: number }> = {};
  for (const s of samples) {
    const c = counts[s.part] ?? { attacks: 0, bonaFide: 0, noFace: 0 };
    if (s.attack) c.attacks++;
    else c.bonaFide++;
    if (!s.crop) c.noFace++;
    counts[s.part] = c;
  }
  return counts;
}
