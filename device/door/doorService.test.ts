import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { Face } from '../../model/faceTypes.js';
import { LockController } from '../lock/lockController.js';
import type { FrameInput, Matched } from '../pipeline/doorStages.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { RejectReason } from '../pipeline/rejectReason.js';
import type { Camera, Frame, Lock } from '../ports.js';
import type { AttemptRecord } from '../store/auditLog.js';
import { DoorService } from './doorService.js';
import { FrameFusion } from './frameFusion.js';
import { LockoutPolicy } from './lockoutPolicy.js';

const QUALITY = { luminance: 120, contrast: 40, sharpness: 50, clipped: 0, lightSide: 0, colourfulness: 20 };

/** What the scripted pipeline says about each frame: a matched user, or a reason to reject it. */
type Script = ({ user: number; liveness?: number } | { reason: RejectReason })[];

function door(
  script: Script,
  opts: {
    frameMs?: number;
    unlockMs?: number;
    sliceMs?: number;
    allowed?: boolean;
    stillEnrolled?: (userId: number) => boolean;
    audit?: (a: AttemptRecord) => void;
    /** Frames are raw YUV420 (2x2), as rpicam-vid's; with `retainFrames` the door keeps its best as a JPEG. */
    raw?: boolean;
    retainFrames?: boolean;
    /** Told of the frames the door accepts (the face tracker). */
    keep?: (face: Face, at: number) => void;
  } = {},
) {
  const frameMs = opts.frameMs ?? 100;
  let clock = 0;
  const camera: Camera = {
    name: 'scripted',
    stats: { restarts: 0, dropped: 0, garbageBytes: 0, truncated: 0, oversized: 0 },
    async *frames() {
      for (let seq = 0; seq < script.length; seq++) {
        clock = seq * frameMs;
        await new Promise((r) => setTimeout(r, 1));
        const raw = opts.raw ? { raw: { format: 'yuv420', width: 2, height: 2 } as const } : {};
        yield {
          data: opts.raw ? Buffer.from([seq, seq, seq, seq, 128, 128]) : Buffer.from([seq]),
          timestamp: clock,
          seq,
          ...raw,
        } satisfies Frame;
      }
    },
  };
  // one stage, named as the motion gate so that it also runs while the door is locked out
  const pipeline = Pipeline.start<FrameInput>().andThen<Matched>({
    name: 'motion',
    async run(c) {
      const step = script[c.frame.seq];
      if (!step) throw new Error('no script for this frame');
      if ('reason' in step && step.reason === 'no_face') return { ok: false, reason: 'no_face', value: c };
      const face = {
        box: { x: 0, y: 0, width: 10, height: 10 },
        pose: { yaw: 0, pitch: 0, roll: 0 },
        landmarks: [],
        eyes: { left: 1, right: 1 },
      } as unknown as Face;
      const seen = {
        ...c,
        image: { width: 2, height: 2, data: new Uint8Array(12).fill(c.frame.seq * 20) },
        face,
        quality: QUALITY,
        liveness: 'user' in step ? (step.liveness ?? 0.9) : 0.9,
      };
      if ('reason' in step)
        return {
          ok: false,
          reason: step.reason,
          value: { ...seen, embedding: new Float32Array(1), best: { userId: 1, userName: 'ann', score: 0.5 } },
        };
      return {
        ok: true,
        value: { ...seen, embedding: new Float32Array(1), best: { userId: step.user, userName: 'ann', score: 0.97 } },
      };
    },
  });
  const states: string[] = [];
  const lock: Lock = {
    name: 'recording',
    async unlock() {
      states.push('unlocked');
    },
    async lock() {
      states.push('locked');
    },
  };
  const audit: AttemptRecord[] = [];
  const lockout = new LockoutPolicy({ maxFailures: 2, lockoutMs: 60_000 });
  const service = new DoorService({
    camera,
    pipeline,
    fusion: new FrameFusion({ k: 3, n: 5, windowMs: 10_000 }),
    lockout,
    lock: new LockController(lock, { unlockMs: opts.unlockMs ?? 60_000, maxUnlockMs: 60_000 }, silentLogger),
    audit: (a) => {
      opts.audit?.(a);
      audit.push(a);
    },
    log: silentLogger,
    ...(opts.retainFrames ? { retainFrames: true } : {}),
    now: () => clock,
    approachGapMs: 1000,
    attemptSliceMs: opts.sliceMs ?? 60_000,
    liveness: { minLiveness: 0.5, active: 'optional' },
    allowed: () => opts.allowed ?? true,
    stillEnrolled: opts.stillEnrolled ?? (() => true),
    ...(opts.keep ? { tracker: { keep: opts.keep } } : {}),
  });
  return { service, states, audit, lockout };
}

describe('DoorService', () => {
  it('opens after k matching frames and writes one audit row for the approach', async () => {
    const d = door([{ reason: 'no_match' }, { user: 1 }, { user: 1 }, { user: 1 }]);
    await d.service.run(new AbortController().signal);
    expect(d.states).toEqual(['unlocked']);
    expect(d.audit.map((a) => [a.outcome, a.reason, a.userId])).toEqual([['unlock', null, 1]]);
  });

  it("keeps a raw camera's best frame as a JPEG of its picture when frames are retained, and no frame when they are not", async () => {
    const script: Script = [{ user: 1 }, { user: 1 }, { user: 1 }];
    const kept = door(script, { raw: true, retainFrames: true });
    await kept.service.run(new AbortController().signal);
    const jpeg = kept.audit[0]?.frame;
    expect(jpeg?.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs((data[0] as number) - 0)).toBeLessThan(8); // the first frame's picture (all frames score alike)
    const notKept = door(script, { raw: true });
    await notKept.service.run(new AbortController().signal);
    expect(notKept.audit[0]?.frame).toBeUndefined();
  });

  it('calls an approach that ends while its frames match too_few_frames, not no_match, and no failed guess', async () => {
    const d = door([{ user: 1 }, { user: 1 }]);
    await d.service.run(new AbortController().signal);
    expect(d.states).toEqual([]);
    expect(d.audit.map((a) => [a.outcome, a.reason])).toEqual([['reject', 'too_few_frames']]);
    expect(d.lockout.consecutiveFailures).toBe(0);
  });

  it('counts approaches that end on a rejected frame towards the lockout, and evaluates nobody while locked out', async () => {
    const gap: Script = Array(11).fill({ reason: 'no_face' }); // 1.1 s without a face ends an approach
    const d = door([{ reason: 'no_match' }, ...gap, { reason: 'spoof' }, ...gap, { user: 1 }, { user: 1 }, { user: 1 }, { user: 1 }]);
    await d.service.run(new AbortController().signal);
    expect(d.states).toEqual([]);
    expect(d.audit.map((a) => a.reason)).toEqual(['no_match', 'spoof', 'locked_out']);
    // the approach seen while locked out was not evaluated: it is no failed attempt
    expect(d.lockout.consecutiveFailures).toBe(2);
  });

  it('judges liveness once, in the door: matching frames whose liveness score is below the minimum are a spoof and never open', async () => {
    const d = door([
      { user: 1, liveness: 0.2 },
      { user: 1, liveness: 0.3 },
      { user: 1, liveness: 0.1 },
      { user: 1, liveness: 0.2 },
    ]);
    await d.service.run(new AbortController().signal);
    expect(d.states).toEqual([]);
    expect(d.audit.map((a) => [a.outcome, a.reason, a.score])).toEqual([['reject', 'spoof', null]]);
    expect(d.service.counters.byReason).toEqual({ spoof: 4 });
  });

  it('does not open for a user removed while their approach matched: the store is asked just before the door opens', async () => {
    const asked: number[] = [];
    const d = door([{ user: 1 }, { user: 1 }, { user: 1 }], {
      stillEnrolled: (id) => {
        asked.push(id);
        return false;
      },
    });
    await d.service.run(new AbortController().signal);
    expect(asked).toEqual([1]);
    expect(d.states).toEqual([]);
    expect(d.audit.map((a) => [a.outcome, a.reason])).toEqual([['reject', 'revoked']]);
  });

  it('writes the unlock to the audit log before the relay moves, and an audit write that fails keeps the door locked', async () => {
    const order: string[] = [];
    const ok = door([{ user: 1 }, { user: 1 }, { user: 1 }], {
      audit: (a) => order.push(`audit ${a.outcome}, relay moves so far: ${ok.states.length}`),
    });
    await ok.service.run(new AbortController().signal);
    expect(ok.states).toEqual(['unlocked']);
    expect(order).toEqual(['audit unlock, relay moves so far: 0']);
    const full = door([{ user: 1 }, { user: 1 }, { user: 1 }, { reason: 'no_match' }], {
      audit: () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
    });
    // the service goes on (no exception out of run), the relay never moves
    await full.service.run(new AbortController().signal);
    expect(full.states).toEqual([]);
    expect(full.service.counters).toMatchObject({ unlocks: 0, rejects: 2 });
    // the unlock the audit log could not record was the door's fault, not a failed guess; the stranger after it was
    expect(full.lockout.consecutiveFailures).toBe(1);
  });
});

describe('DoorService and the face tracker', () => {
  it('gives the tracker only the faces of frames it accepts: matched and live, never a spoof or a stranger', async () => {
    const kept: number[] = [];
    const d = door([{ user: 1 }, { user: 1, liveness: 0.2 }, { reason: 'no_match' }, { reason: 'no_face' }, { user: 1 }], {
      keep: (_face, at) => kept.push(at),
    });
    await d.service.run(new AbortController().signal);
    expect(kept).toEqual([0, 400]); // the frames at 0 and 400 ms; not the spoof (100), the stranger (200), no face (300)
  });
});

describe('DoorService: attempts in slices of an approach', () => {
  it('counts one failure per slice of an unbroken approach: many faces shown one after another are many attempts', async () => {
    // 40 rejected faces, 100 ms apart, with no gap: one approach of 4 s; slices of 1 s; lockout after 2 failures
    const d = door(Array(40).fill({ reason: 'no_match' }), { sliceMs: 1000 });
    await d.service.run(new AbortController().signal);
    expect(d.audit.map((a) => a.reason)).toEqual(['no_match', 'no_match', 'locked_out', 'locked_out']);
    expect(d.lockout.consecutiveFailures).toBe(2);
    expect(d.lockout.lockedOutUntil(3900)).toBe(2000 + 60_000); // the second slice ended at 2 s
    // the same approach under one long slice is one attempt
    const once = door(Array(40).fill({ reason: 'no_match' }));
    await once.service.run(new AbortController().signal);
    expect(once.audit).toHaveLength(1);
  });

  it('does not count an enrolled user outside their schedule as a failed guess', async () => {
    const gap: Script = Array(11).fill({ reason: 'no_face' });
    const d = door([{ user: 1 }, { user: 1 }, { user: 1 }, ...gap, { user: 1 }, { user: 1 }, { user: 1 }], { allowed: false });
    await d.service.run(new AbortController().signal);
    expect(d.audit.map((a) => a.reason)).toEqual(['outside_schedule', 'outside_schedule']);
    expect(d.lockout.consecutiveFailures).toBe(0);
  });

  it('still opens for an enrolled face in the middle of a slice', async () => {
    const d = door([...Array(12).fill({ reason: 'no_match' }), { user: 1 }, { user: 1 }, { user: 1 }], { sliceMs: 1000 });
    await d.service.run(new AbortController().signal);
    expect(d.states).toEqual(['unlocked']);
    expect(d.audit.map((a) => a.outcome)).toEqual(['reject', 'unlock']);
  });
});
