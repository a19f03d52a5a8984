import { describeError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { type ProbabilityModel, probability } from '../../common/scoreCalibration.js';
import { encodeJpeg } from '../../model/image/encodeJpeg.js';
import { type ActiveMode, judgeLiveness } from '../../model/liveness/livenessFusion.js';
import type { LockController } from '../lock/lockController.js';
import type { FrameInput, FrameProgress, Matched } from '../pipeline/doorStages.js';
import type { FaceTracker } from '../pipeline/faceTracker.js';
import type { Pipeline, PipelineOutcome } from '../pipeline/pipeline.js';
import type { RejectReason } from '../pipeline/rejectReason.js';
import type { Camera, Frame } from '../ports.js';
import type { DoorStatus } from '../status/doorStatus.js';
import type { AttemptRecord } from '../store/auditLog.js';
import { Approach, attemptRecord } from './approach.js';
import type { FrameFusion } from './frameFusion.js';
import type { LockoutPolicy } from './lockoutPolicy.js';

export interface DoorServiceDeps {
  readonly camera: Camera;
  /** The frame pipeline; while locked out only its stages through `motion` run. */
  readonly pipeline: Pipeline<FrameInput, Matched, FrameProgress>;
  readonly fusion: FrameFusion;
  readonly lockout: LockoutPolicy;
  readonly lock: LockController;
  readonly audit: (a: AttemptRecord) => void;
  /** Frames are retained (sealed): a raw camera's best frame is then encoded as JPEG while the approach runs. */
  readonly retainFrames?: boolean;
  readonly log: Logger;
  /** The monotonic clock (ms): every duration (approach gap, slices, fusion window, lockout) runs on it. */
  readonly now: () => number;
  /** The wall clock (ms), for records and schedules only; default Date.now. */
  readonly wallClock?: () => number;
  /** An approach ends when no face was seen for this long. */
  readonly approachGapMs: number;
  /** An approach is decided at least this often: each slice that ends on a rejected frame is one failed attempt. */
  readonly attemptSliceMs: number;
  /** A frame is live when its liveness score reaches `minLiveness` and the approach's active signals agree. */
  readonly liveness: { readonly minLiveness: number; readonly active: ActiveMode };
  /** Score calibration from the calibration file: the decision line then carries the match probability. */
  readonly probability?: ProbabilityModel;
  /** Live state and metrics for the status interface and MQTT. */
  readonly status?: DoorStatus;
  /** Whether a user may enter now (their schedule); the door opens for nobody outside it. */
  readonly allowed: (userId: number, now: number) => boolean;
  /** Whether a matched user is still enrolled, looked up just before the door opens (revocation). */
  readonly stillEnrolled: (userId: number) => boolean;
  /** Told of every face grant, before the relay moves (the door monitor: an opening after it is not forced). */
  readonly onGrant?: (now: number) => void;
  /** Given each frame the door accepts (matched and live): the pipeline may follow that face into the next frames. */
  readonly tracker?: Pick<FaceTracker, 'keep'>;
}

/** Counts for the shutdown summary and the status interface. */
export interface DoorCounters {
  frames: number;
  byReason: Record<string, number>;
  stageRuns: Record<string, number>;
  unlocks: number;
  rejects: number;
}

/** The motion stage's name: the one stage that runs while the door is locked out. */
const MOTION = 'motion';

/**
 * The door: frames -> stages -> per-frame verdicts -> k-of-n fusion -> unlock. Frames of one approach are grouped
 * until no face is seen for `approachGapMs`; each approach ends in one decision, logged and written to the audit log.
 */
export class DoorService {
  readonly counters: DoorCounters = { frames: 0, byReason: {}, stageRuns: {}, unlocks: 0, rejects: 0 };
  private approach: Approach | undefined;
  /** Each user's usual eye openness, from their admitted approaches (in memory: a baseline for blink detection). */
  private readonly eyeBaselines = new Map<number, number>();
  private readonly motionOnly: (input: FrameInput) => Promise<PipelineOutcome<FrameProgress, FrameProgress>>;

  constructor(private readonly d: DoorServiceDeps) {
    this.motionOnly = d.pipeline.through(MOTION);
  }

  async run(signal: AbortSignal): Promise<void> {
    for await (const frame of this.d.camera.frames(signal)) {
      const now = this.d.now();
      this.counters.frames++;
      this.d.status?.frame();
      const a = this.approach;
      if (a && (now - a.lastFaceAt > this.d.approachGapMs || now - a.startedAt >= this.d.attemptSliceMs)) this.decide('reject', now);
      if (this.d.lock.isUnlocked) continue; // door open: nothing to decide
      await this.onFrame(frame, now);
    }
    if (this.approach) this.decide('reject', this.d.now());
  }

  /** One frame: the pipeline (locked out: only the motion gate, which keeps its picture of the scene), then the verdict. */
  private async onFrame(frame: Frame, now: number): Promise<void> {
    const lockedOut = this.d.lockout.lockedOutUntil(now) !== undefined;
    const outcome = lockedOut ? await this.motionOnly({ frame }) : await this.d.pipeline.run({ frame });
    const seen: FrameProgress = outcome.value;
    let reason: RejectReason | undefined = lockedOut ? 'locked_out' : outcome.ok ? undefined : outcome.reason;
    const face = seen.face;
    if (!face || lockedOut) {
      this.count(outcome.timings, reason);
      if (face) this.approachOf(now).add(now, seen, reason, true, outcome.timings);
      return;
    }
    const a = this.approachOf(now);
    a.active.add(face.landmarks, face.eyes);
    const baseline = seen.best ? this.eyeBaselines.get(seen.best.userId) : undefined;
    const verdict = judgeLiveness(seen.liveness, this.d.liveness.minLiveness, a.active.evidence(baseline), this.d.liveness.active);
    const passive = verdict.live || verdict.why !== 'passive';
    // a face that fails the passive check is a spoof whatever else; a matched frame the active signals call a picture too
    if (!verdict.live && (reason === undefined || (!passive && reason === 'no_match'))) reason = 'spoof';
    this.count(outcome.timings, reason);
    if (reason === undefined && verdict.live) this.d.tracker?.keep(face, frame.timestamp);
    a.add(now, seen, reason, passive, outcome.timings);
    if (this.d.retainFrames && a.bestImage) {
      const image = a.bestImage;
      a.bestImage = undefined;
      a.bestFrame = await encodeJpeg(image);
    }
    const accepted = this.d.fusion.add({
      at: now,
      score: seen.best?.score ?? 0,
      live: verdict.live,
      ...(reason === undefined && seen.best ? { userId: seen.best.userId } : {}),
    });
    if (accepted === undefined) return;
    if (!this.d.stillEnrolled(accepted)) {
      a.lastReason = 'revoked';
      this.decide('reject', now);
    } else if (!this.d.allowed(accepted, this.wallNow())) {
      a.lastReason = 'outside_schedule';
      this.decide('reject', now);
    } else if (this.decide('unlock', now) && !(await this.d.lock.open())) {
      // the unlock is in the audit log and the relay refused: the lock controller logged the fault; the door is locked
      this.d.log.error('the recorded unlock did not open the door: the relay could not be driven', { user: a.best?.userName ?? null });
    }
  }

  private wallNow(): number {
    return (this.d.wallClock ?? Date.now)();
  }

  private approachOf(now: number): Approach {
    this.approach ??= new Approach(now);
    return this.approach;
  }

  private count(timings: Record<string, number>, reason: RejectReason | undefined): void {
    this.d.status?.stageTimings(timings);
    for (const name of Object.keys(timings)) this.counters.stageRuns[name] = (this.counters.stageRuns[name] ?? 0) + 1;
    this.counters.byReason[reason ?? 'match'] = (this.counters.byReason[reason ?? 'match'] ?? 0) + 1;
  }

  /**
   * Ends the approach: the audit row first, then the counters, the lockout and the decision line. Returns whether the
   * door may open: an unlock whose audit row cannot be written becomes a reject (`audit_failed`), so no unlock is ever
   * unrecorded, and no audit fault stops the daemon.
   */
  private decide(wanted: 'unlock' | 'reject', now: number): boolean {
    const a = this.approach;
    this.approach = undefined;
    this.d.fusion.reset();
    if (!a) return false;
    let outcome = wanted;
    let record = attemptRecord(a, outcome, outcome === 'unlock' ? null : (a.lastReason ?? 'too_few_frames'), this.wallNow());
    try {
      this.d.audit(record);
    } catch (err) {
      this.d.log.error('cannot write the attempt to the audit log; the door stays locked', { error: describeError(err) });
      outcome = 'reject';
      record = { ...record, outcome, reason: wanted === 'unlock' ? 'audit_failed' : record.reason };
    }
    const wasLockedOut = this.d.lockout.lockedOutUntil(now) !== undefined;
    if (outcome === 'unlock') {
      this.d.onGrant?.(now);
      this.d.lockout.recordSuccess();
      this.learnEyes(a);
      this.counters.unlocks++;
    } else {
      if (countsAsFailure(record.reason)) this.d.lockout.recordFailure(now);
      this.counters.rejects++;
    }
    const until = this.d.lockout.lockedOutUntil(now);
    this.report(a, record, now, !wasLockedOut && until !== undefined ? Math.ceil((until - now) / 1000) : undefined);
    return outcome === 'unlock';
  }

  /** The user's eye openness baseline follows their admitted approaches. */
  private learnEyes(a: Approach): void {
    const eyes = a.active.eyeMedian();
    const user = a.best?.userId;
    if (eyes === undefined || user === undefined) return;
    const before = this.eyeBaselines.get(user);
    this.eyeBaselines.set(user, before === undefined ? eyes : 0.8 * before + 0.2 * eyes);
  }

  /** The decision line (journald) and the status interface. */
  private report(a: Approach, r: AttemptRecord, now: number, lockoutSeconds: number | undefined): void {
    const e = a.active.evidence();
    const user = r.outcome === 'unlock' ? (a.best?.userName ?? null) : null;
    // who a rejected face most resembled, and how much, says something about a stranger: debug level only
    if (r.outcome === 'reject' && a.best)
      this.d.log.debug('closest enrolled user', { bestUser: a.best.userName, score: round4(a.best.score) });
    this.d.log.info('decision', {
      outcome: r.outcome,
      user,
      score: a.best && r.outcome === 'unlock' ? round4(a.best.score) : null,
      ...(this.d.probability && a.best && r.outcome === 'unlock'
        ? { probability: round4(probability(this.d.probability, a.best.score)) }
        : {}),
      liveness: a.liveness === undefined ? null : Math.round(a.liveness * 1000) / 1000,
      blink: e.blink,
      depth: e.depth,
      planar: e.planar,
      reason: r.reason,
      frames: a.frames,
      lockout: this.d.lockout.lockedOutUntil(now) === undefined ? null : this.d.lockout.consecutiveFailures,
      ...Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [`${k}Ms`, v])),
    });
    this.d.status?.decision({
      at: r.at,
      outcome: r.outcome,
      reason: r.reason,
      user,
      frames: a.frames,
      ...(lockoutSeconds === undefined ? {} : { lockoutSeconds }),
    });
    if (lockoutSeconds !== undefined)
      this.d.log.warn('locked out after failed attempts: no face is evaluated until it ends', {
        failures: this.d.lockout.consecutiveFailures,
        seconds: lockoutSeconds,
      });
  }
}

/**
 * Whether a rejected attempt was a failed guess. Not: an approach cut short while its frames matched, one seen while
 * locked out (nothing was evaluated), an enrolled user outside their schedule (the face was right), and an unlock the
 * audit log could not record (a fault of the door, not of the face).
 */
const NOT_A_GUESS: ReadonlySet<string> = new Set(['too_few_frames', 'locked_out', 'outside_schedule', 'audit_failed']);
const countsAsFailure = (reason: string | null) => reason === null || !NOT_A_GUESS.has(reason);

const round4 = (v: number) => Math.round(v * 10000) / 10000;
