import type { RgbImage } from '../../model/image/rgbImage.js';
import { ApproachLiveness } from '../../model/liveness/activeLiveness.js';
import { poseBin } from '../../model/poseBins.js';
import { isMono } from '../../model/quality/faceQuality.js';
import type { BestMatch, FrameProgress } from '../pipeline/doorStages.js';
import type { RejectReason } from '../pipeline/rejectReason.js';
import { decisionEventType } from '../status/doorEvents.js';
import type { AttemptRecord } from '../store/auditLog.js';

/** One person's approach to the door: the frames with a face, until none is seen for the approach gap. */
export class Approach {
  lastFaceAt: number;
  frames = 0;
  best: BestMatch | undefined;
  liveness: number | undefined;
  readonly active = new ApproachLiveness();
  lastReason: RejectReason | undefined;
  last: FrameProgress | undefined;
  /** The frame of the best score as a JPEG (kept only in memory, and sealed if the owner enabled frame retention). */
  bestFrame: Buffer | undefined;
  /** A raw camera's best frame, decoded, until the door encodes it (only when frames are retained). */
  bestImage: RgbImage | undefined;
  readonly timings: Record<string, number[]> = {};

  constructor(readonly startedAt: number) {
    this.lastFaceAt = startedAt;
  }

  /** Adds a frame with a face; `scored` says whether its best match counts (its face passed the passive check). */
  add(now: number, frame: FrameProgress, reason: RejectReason | undefined, scored: boolean, timings: Record<string, number>): void {
    this.lastFaceAt = now;
    this.frames++;
    this.lastReason = reason;
    this.last = frame;
    if (scored && frame.best && (!this.best || frame.best.score > this.best.score)) {
      this.best = frame.best;
      this.liveness = frame.liveness;
      this.bestFrame = frame.frame.raw ? undefined : frame.frame.data;
      this.bestImage = frame.frame.raw ? frame.image : undefined;
    }
    for (const [k, v] of Object.entries(timings)) {
      const list = this.timings[k];
      if (list) list.push(v);
      else this.timings[k] = [v];
    }
  }

  /** Median time of each stage over the approach's frames (ms, one decimal). */
  medianTimings(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.timings).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  }
}

/** The audit row of a decided approach: who (on a grant only), why, and the conditions it was seen under (`wallNow`: the wall clock). */
export function attemptRecord(a: Approach, outcome: 'unlock' | 'reject', reason: RejectReason | null, wallNow: number): AttemptRecord {
  const face = a.last?.face;
  const quality = a.last?.quality;
  return {
    at: new Date(wallNow).toISOString(),
    outcome,
    reason,
    userId: outcome === 'unlock' ? (a.best?.userId ?? null) : null,
    score: a.best?.score ?? null,
    liveness: a.liveness ?? null,
    timings: a.medianTimings(),
    yaw: face?.pose.yaw ?? null,
    pitch: face?.pose.pitch ?? null,
    roll: face?.pose.roll ?? null,
    luminance: quality?.luminance ?? null,
    contrast: quality?.contrast ?? null,
    occlusion: face ? 1 - face.meshScore : null,
    poseBin: face ? poseBin(face.pose) : null,
    localHour: new Date(wallNow).getHours(),
    faceSize: face ? Math.round(face.box.width) : null,
    sharpness: quality?.sharpness ?? null,
    clipped: quality?.clipped ?? null,
    lightSide: quality?.lightSide ?? null,
    colourMode: quality ? (isMono(quality) ? 'mono' : 'colour') : null,
    ...(a.bestFrame ? { frame: a.bestFrame } : {}),
    method: 'face',
    eventType: decisionEventType(outcome, reason),
    live: reason === 'spoof' ? false : a.liveness !== undefined ? true : null,
    matched: outcome === 'unlock' || (reason !== null && AFTER_MATCH.has(reason)) ? true : reason === 'no_match' ? false : null,
  };
}

/** Rejections of an approach whose face had matched an enrolled user. */
const AFTER_MATCH: ReadonlySet<string> = new Set(['outside_schedule', 'revoked', 'too_few_frames', 'audit_failed']);

function median(v: readonly number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s.length === 0 ? 0 : (s[s.length >> 1] ?? 0);
}
