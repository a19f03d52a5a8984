import { type ProbabilityModel, probability } from '../../calibration/scoreCalibration.js';
import type { Logger } from '../../common/logger.js';
import { poseBin } from '../../enroll/poseBins.js';
import { ApproachLiveness } from '../../model/liveness/activeLiveness.js';
import { type ActiveMode, fuseLiveness } from '../../model/liveness/livenessFusion.js';
import type { LockController } from '../lock/lockController.js';
import type { FrameContext } from '../pipeline/doorStages.js';
import type { FrameFusion } from '../pipeline/frameFusion.js';
import type { LockoutPolicy } from '../pipeline/lockoutPolicy.js';
import type { RejectReason } from '../pipeline/rejectReason.js';
import { runStages, type Stage } from '../pipeline/stageRunner.js';
import type { Camera } from '../ports.js';
import type { DoorStatus } from '../status/doorStatus.js';
import type { AttemptRecord } from '../store/auditLog.js';

export interface DoorServiceDeps {
  readonly camera: Camera;
  /** The motion stage, then the rest of the pipeline (which runs only when the motion stage lets a frame through). */
  readonly stages: readonly Stage<FrameContext>[];
  readonly fusion: FrameFusion;
  readonly lockout: LockoutPolicy;
  readonly lock: LockController;
  readonly audit: (a: AttemptRecord) => void;
  readonly log: Logger;
  readonly now: () => number;
  /** An approach ends when no face was seen for this long. */
  readonly approachGapMs: number;
  /** A frame is live when the liveness stage passed it and the approach's active signals agree (liveness.active). */
  readonly activeLiveness: ActiveMode;
  /** Score calibration from the calibration file: the decision line then carries the match probability. */
  readonly probability?: ProbabilityModel;
  /** Live state and metrics for the status interface and MQTT. */
  readonly status?: DoorStatus;
  /** Whether a user may enter now (their schedule); the door opens for nobody outside it. */
  readonly allowed: (userId: number, now: number) => boolean;
}

interface Approach {
  lastFaceAt: number;
  frames: number;
  best: FrameContext['best'];
  liveness: number | undefined;
  active: ApproachLiveness;
  lastReason: RejectReason | undefined;
  last: FrameContext | undefined;
  /** The frame of the best score (kept only in memory, and sealed if the owner enabled frame retention). */
  bestFrame?: Buffer;
  timings: Record<string, number[]>;
}

/** Counts for the shutdown summary and the status interface. */
export interface DoorCounters {
  frames: number;
  byReason: Record<string, number>;
  stageRuns: Record<string, number>;
  unlocks: number;
  rejects: number;
}

/**
 * The door: frames -> stages -> per-frame verdicts -> k-of-n fusion -> unlock. Frames of one approach are grouped
 * until no face is seen for `approachGapMs`; each approach ends in one decision, logged and written to the audit log.
 */
export class DoorService {
  readonly counters: DoorCounters = { frames: 0, byReason: {}, stageRuns: {}, unlocks: 0, rejects: 0 };
  private approach: Approach | undefined;
  /** Each user's usual eye openness, from their admitted approaches (in memory: a baseline for blink detection). */
  private readonly eyeBaselines = new Map<number, number>();

  constructor(private readonly d: DoorServiceDeps) {}

  async run(signal: AbortSignal): Promise<void> {
    for await (const frame of this.d.camera.frames(signal)) {
      const now = this.d.now();
      this.counters.frames++;
      this.d.status?.frame();
      if (this.approach && now - this.approach.lastFaceAt > this.d.approachGapMs) this.decide('reject', now);
      if (this.d.lock.isUnlocked) continue; // door open: nothing to decide
      const context: FrameContext = { frame };
      const lockedOut = this.d.lockout.lockedOutUntil(now);
      const stages = lockedOut === undefined ? this.d.stages : this.d.stages.slice(0, 1);
      const outcome = await runStages(stages, context);
      this.d.status?.stageTimings(outcome.timings);
      for (const name of Object.keys(outcome.timings)) this.counters.stageRuns[name] = (this.counters.stageRuns[name] ?? 0) + 1;
      let reason: RejectReason | undefined = outcome.ok ? undefined : outcome.reason;
      if (lockedOut !== undefined && outcome.ok) reason = 'locked_out';
      this.counters.byReason[reason ?? 'match'] = (this.counters.byReason[reason ?? 'match'] ?? 0) + 1;
      if (!context.face) continue;
      if (!this.approach)
        this.approach = {
          lastFaceAt: now,
          frames: 0,
          best: undefined,
          liveness: undefined,
          active: new ApproachLiveness(),
          lastReason: undefined,
          last: undefined,
          timings: {},
        };
      const a = this.approach;
      a.lastFaceAt = now;
      a.frames++;
      a.lastReason = reason;
      a.last = context;
      if (context.best && (!a.best || context.best.score > a.best.score)) {
        a.best = context.best;
        a.liveness = context.liveness;
        a.bestFrame = context.frame.data;
      }
      for (const [k, v] of Object.entries(outcome.timings)) {
        const list = a.timings[k];
        if (list) list.push(v);
        else a.timings[k] = [v];
      }
      if (reason === 'locked_out') continue;
      a.active.add(context.face.landmarks, context.face.eyes);
      const baseline = context.best ? this.eyeBaselines.get(context.best.userId) : undefined;
      const verdict = fuseLiveness(context.live === true, a.active.evidence(baseline), this.d.activeLiveness);
      // a frame that matched but that the active signals call a picture is a spoof, whatever the passive model said
      if (!verdict.live && reason === undefined) a.lastReason = 'spoof';
      const live = verdict.live;
      const accepted = this.d.fusion.add({
        at: now,
        score: context.best?.score ?? 0,
        live,
        ...(reason === undefined && context.best ? { userId: context.best.userId } : {}),
      });
      if (accepted !== undefined) {
        if (!this.d.allowed(accepted, now)) {
          a.lastReason = 'outside_schedule';
          this.decide('reject', now);
        } else if (await this.d.lock.open()) this.decide('unlock', now);
        else this.decide('reject', now);
      }
    }
    if (this.approach) this.decide('reject', this.d.now());
  }

  private decide(outcome: 'unlock' | 'reject', now: number): void {
    const a = this.approach;
    this.approach = undefined;
    this.d.fusion.reset();
    if (!a) return;
    const reason = outcome === 'unlock' ? null : (a.lastReason ?? 'too_few_frames');
    if (outcome === 'unlock') {
      this.d.lockout.recordSuccess();
      const eyes = a.active.eyeMedian();
      const user = a.best?.userId;
      if (eyes !== undefined && user !== undefined) {
        const before = this.eyeBaselines.get(user);
        this.eyeBaselines.set(user, before === undefined ? eyes : 0.8 * before + 0.2 * eyes);
      }
      this.counters.unlocks++;
    } else {
      // an approach cut short while its frames matched is not a failed guess: it does not count towards a lockout
      if (reason !== 'too_few_frames') this.d.lockout.recordFailure(now);
      this.counters.rejects++;
    }
    const timings = Object.fromEntries(Object.entries(a.timings).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
    const face = a.last?.face;
    this.d.log.info('decision', {
      outcome,
      user: outcome === 'unlock' ? (a.best?.userName ?? null) : null,
      bestUser: a.best?.userName ?? null,
      score: a.best ? Math.round(a.best.score * 10000) / 10000 : null,
      ...(this.d.probability && a.best ? { probability: Math.round(probability(this.d.probability, a.best.score) * 10000) / 10000 } : {}),
      liveness: a.liveness === undefined ? null : Math.round(a.liveness * 1000) / 1000,
      ...activeFields(a.active),
      reason,
      frames: a.frames,
      lockout: this.d.lockout.lockedOutUntil(now) === undefined ? null : this.d.lockout.consecutiveFailures,
      ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [`${k}Ms`, v])),
    });
    this.d.status?.decision({
      at: new Date().toISOString(),
      outcome,
      reason,
      user: outcome === 'unlock' ? (a.best?.userName ?? null) : null,
      frames: a.frames,
    });
    this.d.audit({
      at: new Date().toISOString(),
      outcome,
      reason,
      userId: outcome === 'unlock' ? (a.best?.userId ?? null) : null,
      score: a.best?.score ?? null,
      liveness: a.liveness ?? null,
      timings,
      yaw: face?.pose.yaw ?? null,
      pitch: face?.pose.pitch ?? null,
      roll: face?.pose.roll ?? null,
      luminance: a.last?.quality?.luminance ?? null,
      contrast: a.last?.quality?.contrast ?? null,
      occlusion: face ? 1 - face.meshScore : null,
      poseBin: face ? poseBin(face.pose) : null,
      localHour: new Date(now).getHours(),
      faceSize: face ? Math.round(face.box.width) : null,
      sharpness: a.last?.quality?.sharpness ?? null,
      clipped: a.last?.quality?.clipped ?? null,
      lightSide: a.last?.quality?.lightSide ?? null,
      colourMode: a.last?.quality ? (a.last.quality.colourfulness < 6 ? 'mono' : 'colour') : null,
      ...(a.bestFrame ? { frame: a.bestFrame } : {}),
    });
  }
}

/** The approach's active signals for the decision line (no landmarks: only what they showed). */
function activeFields(active: ApproachLiveness): Record<string, unknown> {
  const e = active.evidence();
  return { blink: e.blink, depth: e.depth, planar: e.planar };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s.length === 0 ? 0 : (s[s.length >> 1] ?? 0);
}
