import sharp from 'sharp';
import { ImageError } from '../../common/errors.js';
import { cosine } from '../../model/embedder/embedder.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import type { Face } from '../../model/faceTypes.js';
import type { RgbImage } from '../../model/image/rgbImage.js';
import { lumaThumbnail, yuv420Bytes } from '../../model/image/yuv420.js';
import { cameraModeOf, type FaceQuality, measureQuality } from '../../model/quality/faceQuality.js';
import { checkQuality, type QualityLimits } from '../../model/quality/qualityGate.js';
import { decodeFrame } from '../camera/decodeFrame.js';
import type { Frame } from '../ports.js';
import type { FaceTracker } from './faceTracker.js';
import type { MotionGate } from './motionGate.js';
import type { Stage, StageResult } from './pipeline.js';

/** A template the door matches against (opened from the store at start). */
export interface DoorTemplate {
  readonly userId: number;
  readonly userName: string;
  readonly embedding: Float32Array;
}

/** The best template score of a frame and its user, whether or not above the threshold. */
export interface BestMatch {
  readonly userId: number;
  readonly userName: string;
  readonly score: number;
}

/** What the stages learn about one frame, stage by stage: each context is the one before it, grown. */
export interface FrameInput {
  readonly frame: Frame;
  /** The frame decoded ahead, beside its motion check (an awake gate only). */
  readonly image?: RgbImage;
}
export interface Decoded extends FrameInput {
  readonly image: RgbImage;
}
export interface Detected extends Decoded {
  readonly face: Face;
}
export interface Measured extends Detected {
  readonly quality: FaceQuality;
}
export interface LivenessScored extends Measured {
  /** The liveness score the door judges: p(live) of the trained model, or the shipped antispoof score. */
  readonly liveness: number;
}
export interface Embedded extends LivenessScored {
  readonly embedding: Float32Array;
}
export interface Matched extends Embedded {
  readonly best: BestMatch | undefined;
}

/** How far one frame got, as the door reads it after a pass or a rejection. */
export type FrameProgress = FrameInput & Partial<Omit<Matched, 'frame'>>;

/** Scores a face's liveness on one frame (higher = live). */
export type LivenessScorer = (image: RgbImage, face: Face) => Promise<number>;

const pass = <O>(value: O): StageResult<never, O> => ({ ok: true, value });

/**
 * Motion gate on a grey thumbnail (a raw frame's Y plane with no decode; a JPEG's by shrink-on-load, a small
 * fraction of a full decode). While the gate
 * sleeps, only every `idleEvery`-th frame is looked at; while it is awake, the full decode runs beside the thumbnail
 * (both in sharp's threads), so an awake frame costs one decode's time, not two.
 */
export function motionStage(gate: MotionGate, width: number, idleEvery: number, now: () => number): Stage<FrameInput, FrameInput> {
  let awake = true;
  let skipped = 0;
  return {
    name: 'motion',
    async run(c) {
      if (!awake && ++skipped < idleEvery) return { ok: false, reason: 'no_motion', value: c };
      skipped = 0;
      const raw = c.frame.raw;
      if (raw) {
        // a raw frame: the Y plane is the grey picture, thumbnailed with no decode; the decode stage converts it only
        // when the gate is awake
        if (c.frame.data.length !== yuv420Bytes(raw)) return { ok: false, reason: 'bad_frame', value: c };
        awake = gate.update(lumaThumbnail(c.frame.data, raw, width), now()).awake;
        return awake ? pass(c) : { ok: false, reason: 'no_motion', value: c };
      }
      // a frame that does not decode is the decode stage's to report: here it is only not decoded ahead
      const early = awake ? decodeFrame(c.frame, `frame ${c.frame.seq}`).catch(() => undefined) : undefined;
      let thumb: { data: Buffer; info: { width: number; height: number } };
      try {
        thumb = await sharp(c.frame.data, { failOn: 'none' }).resize({ width }).greyscale().raw().toBuffer({ resolveWithObject: true });
      } catch {
        // not an image at all (sharp refuses even its header): this frame is skipped, the next one is looked at
        await early;
        return { ok: false, reason: 'bad_frame', value: c };
      }
      const { data, info } = thumb;
      awake = gate.update({ width: info.width, height: info.height, data }, now()).awake;
      if (!awake) return { ok: false, reason: 'no_motion', value: c };
      const image = await early;
      return pass(image ? { ...c, image } : c);
    },
  };
}

export function decodeStage(): Stage<FrameInput, Decoded> {
  return {
    name: 'decode',
    async run(c) {
      if (c.image) return pass({ ...c, image: c.image });
      try {
        return pass({ ...c, image: await decodeFrame(c.frame, `frame ${c.frame.seq}`) });
      } catch (err) {
        if (err instanceof ImageError) return { ok: false, reason: 'no_face', value: c };
        throw err;
      }
    },
  };
}

/**
 * Detect and landmarks; a second face half the size of the first or more is a second person at the door. With a
 * tracker, the face of a previous frame the door accepted (matched and live) is followed from its mesh instead
 * (model/detector/meshTrack.ts): the landmarker without the detector; the detector runs when the face is lost.
 */
export function detectStage(engine: FaceEngine, tracker?: FaceTracker): Stage<Decoded, Detected> {
  return {
    name: 'detect',
    async run(c) {
      const previous = tracker?.take(c.frame.timestamp);
      if (previous) {
        const face = await engine.track(c.image, previous);
        if (face) return pass({ ...c, face });
        tracker?.lost();
      }
      const { faces } = await engine.analyze(c.image, { embed: false, liveness: false });
      const [face, second] = faces;
      if (!face) return { ok: false, reason: 'no_face', value: c };
      if (second && second.box.width >= 0.5 * face.box.width) return { ok: false, reason: 'several_faces', value: c };
      return pass({ ...c, face });
    },
  };
}

/** The quality gate with the door's limits (the crop is measured only for a face large enough). */
export function qualityStage(engine: FaceEngine, limits: QualityLimits): Stage<Detected, Measured> {
  return {
    name: 'quality',
    async run(c) {
      const verdict = checkQuality(c.face, () => measureQuality(engine.alignedCrop(c.image, c.face, 112)), limits);
      if (verdict.ok) return pass({ ...c, quality: verdict.quality });
      return { ok: false, reason: verdict.reason, value: verdict.quality ? { ...c, quality: verdict.quality } : c };
    },
  };
}

/** Scores liveness; the door judges it once, with the approach's active signals (device/door/livenessJudge.ts). */
export function livenessStage(score: LivenessScorer): Stage<Measured, LivenessScored> {
  return {
    name: 'liveness',
    async run(c) {
      return pass({ ...c, liveness: await score(c.image, c.face) });
    },
  };
}

export function embedStage(engine: FaceEngine): Stage<LivenessScored, Embedded> {
  return {
    name: 'embed',
    async run(c) {
      return pass({ ...c, embedding: await engine.embed(c.image, c.face) });
    },
  };
}

/**
 * The door's operating points: the colour threshold, and the grey one for a grey camera's frames (an infrared camera:
 * every frame; else the frames whose face crop has no colour).
 */
export interface FaceThresholds {
  readonly colour: number;
  readonly grey: number;
  /** The camera is grey (camera.infrared): every frame is judged at the grey threshold. */
  readonly greyCamera: boolean;
}

/** The threshold a frame is judged at, and which. */
export function thresholdFor(t: FaceThresholds, quality: FaceQuality): { mode: 'grey' | 'colour'; threshold: number } {
  const mode = cameraModeOf(quality, t.greyCamera);
  return { mode, threshold: mode === 'grey' ? t.grey : t.colour };
}

export function matchStage(templates: () => readonly DoorTemplate[], thresholds: FaceThresholds): Stage<Embedded, Matched> {
  return {
    name: 'match',
    async run(c) {
      let best: BestMatch | undefined;
      for (const t of templates()) {
        if (t.embedding.length !== c.embedding.length) continue;
        const score = cosine(t.embedding, c.embedding);
        if (!best || score > best.score) best = { userId: t.userId, userName: t.userName, score };
      }
      const { threshold } = thresholdFor(thresholds, c.quality);
      const value = { ...c, best };
      return best && best.score > threshold ? pass(value) : { ok: false, reason: 'no_match', value };
    },
  };
}
