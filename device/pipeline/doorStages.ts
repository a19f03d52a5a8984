import sharp from 'sharp';
import { ImageError } from '../../common/errors.js';
import { type FaceQuality, measureQuality } from '../../enroll/faceQuality.js';
import { FRONTAL_PITCH } from '../../enroll/poseBins.js';
import { cosine } from '../../model/embedder/embedder.js';
import type { FaceEngine } from '../../model/faceEngine.js';
import type { Face } from '../../model/faceTypes.js';
import { CAMERA_DECODE_LIMITS, decodeImage } from '../../model/image/decodeImage.js';
import type { RgbImage } from '../../model/image/rgbImage.js';
import type { Frame } from '../ports.js';
import type { MotionGate } from './motionGate.js';
import type { Stage } from './stageRunner.js';

/** A template the door matches against (opened from the store at start). */
export interface DoorTemplate {
  readonly userId: number;
  readonly userName: string;
  readonly embedding: Float32Array;
}

/** What the stages learn about one frame. */
export interface FrameContext {
  readonly frame: Frame;
  image?: RgbImage;
  face?: Face;
  quality?: FaceQuality;
  /** The liveness score the door decides on: p(live) of the trained model, or the shipped antispoof score. */
  liveness?: number;
  /** The liveness stage's verdict on this frame (the score against the threshold). */
  live?: boolean;
  embedding?: Float32Array;
  /** Best template score and its user, whether or not above the threshold. */
  best?: { userId: number; userName: string; score: number };
}

export interface DoorLimits {
  readonly minFaceSize: number;
  readonly minLuminance: number;
  readonly maxLuminance: number;
  readonly minSharpness: number;
  readonly maxYaw: number;
  readonly maxPitch: number;
  /** A frame whose liveness score is below this is a spoof. */
  readonly minLiveness: number;
  readonly threshold: number;
}

/** Scores a face's liveness on one frame (higher = live). */
export type LivenessScorer = (image: RgbImage, face: Face) => Promise<number>;

/**
 * Motion gate on a grey thumbnail (JPEG shrink-on-load makes it a small fraction of a full decode). While the gate
 * sleeps, only every `idleEvery`-th frame is looked at.
 */
export function motionStage(gate: MotionGate, width: number, idleEvery: number, now: () => number): Stage<FrameContext> {
  let awake = true;
  let skipped = 0;
  return {
    name: 'motion',
    async run(c) {
      if (!awake && ++skipped < idleEvery) return 'no_motion';
      skipped = 0;
      const { data, info } = await sharp(c.frame.data, { failOn: 'none' })
        .resize({ width })
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      awake = gate.update({ width: info.width, height: info.height, data }, now()).awake;
      return awake ? undefined : 'no_motion';
    },
  };
}

export function decodeStage(): Stage<FrameContext> {
  return {
    name: 'decode',
    async run(c) {
      try {
        c.image = await decodeImage(c.frame.data, `frame ${c.frame.seq}`, CAMERA_DECODE_LIMITS);
        return undefined;
      } catch (err) {
        if (err instanceof ImageError) return 'no_face';
        throw err;
      }
    },
  };
}

/** Detect and landmarks; a second face half the size of the first or more is a second person at the door. */
export function detectStage(engine: FaceEngine): Stage<FrameContext> {
  return {
    name: 'detect',
    async run(c) {
      const { faces } = await engine.analyze(c.image as RgbImage, { embed: false, liveness: false });
      const [face, second] = faces;
      if (!face) return 'no_face';
      if (second && second.box.width >= 0.5 * face.box.width) return 'several_faces';
      c.face = face;
      return undefined;
    },
  };
}

export function qualityStage(engine: FaceEngine, limits: DoorLimits): Stage<FrameContext> {
  return {
    name: 'quality',
    async run(c) {
      const face = c.face as Face;
      if (face.box.width < limits.minFaceSize) return 'too_small';
      const q = measureQuality(engine.alignedCrop(c.image as RgbImage, face, 112));
      c.quality = q;
      if (q.luminance < limits.minLuminance) return 'too_dark';
      if (q.luminance > limits.maxLuminance) return 'too_bright';
      if (q.sharpness < limits.minSharpness) return 'blurred';
      if (Math.abs(face.pose.yaw) > limits.maxYaw || Math.abs(face.pose.pitch - FRONTAL_PITCH) > limits.maxPitch) return 'off_pose';
      return undefined;
    },
  };
}

export function livenessStage(score: LivenessScorer, limits: DoorLimits): Stage<FrameContext> {
  return {
    name: 'liveness',
    async run(c) {
      c.liveness = await score(c.image as RgbImage, c.face as Face);
      c.live = c.liveness >= limits.minLiveness;
      return c.live ? undefined : 'spoof';
    },
  };
}

export function embedStage(engine: FaceEngine): Stage<FrameContext> {
  return {
    name: 'embed',
    async run(c) {
      c.embedding = await engine.embed(c.image as RgbImage, c.face as Face);
      return undefined;
    },
  };
}

export function matchStage(templates: () => readonly DoorTemplate[], limits: DoorLimits): Stage<FrameContext> {
  return {
    name: 'match',
    async run(c) {
      const e = c.embedding as Float32Array;
      for (const t of templates()) {
        if (t.embedding.length !== e.length) continue;
        const score = cosine(t.embedding, e);
        if (!c.best || score > c.best.score) c.best = { userId: t.userId, userName: t.userName, score };
      }
      return c.best && c.best.score > limits.threshold ? undefined : 'no_match';
    },
  };
}
