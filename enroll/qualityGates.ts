import type { RejectReason as PipelineReason } from '../device/pipeline/rejectReason.js';
import type { Face } from '../model/faceTypes.js';
import type { FaceQuality } from './faceQuality.js';
import { FRONTAL_PITCH } from './poseBins.js';

/** Why a face is not good enough to enroll: the enrollment subset of the pipeline's closed set of reasons. */
export type RejectReason = Extract<
  PipelineReason,
  'no_face' | 'several_faces' | 'too_small' | 'too_dark' | 'too_bright' | 'low_contrast' | 'blurred' | 'off_pose' | 'eyes_closed' | 'spoof'
>;

export interface QualityLimits {
  /** Smallest face (width of the landmark box) in pixels. */
  readonly minFaceSize: number;
  readonly minLuminance: number;
  readonly maxLuminance: number;
  readonly minContrast: number;
  readonly minSharpness: number;
  readonly maxYaw: number;
  readonly maxPitch: number;
  readonly minEyeOpenness: number;
  /** Minimum p(live) of the trained liveness model; checked only for camera capture (0: the model's own threshold). */
  readonly minLive: number;
}

export const DEFAULT_QUALITY_LIMITS: QualityLimits = {
  minFaceSize: 60,
  minLuminance: 40,
  maxLuminance: 220,
  minContrast: 12,
  minSharpness: 15,
  maxYaw: 35,
  maxPitch: 25,
  minEyeOpenness: 0.12,
  minLive: 0,
};

export type GateResult = { readonly ok: true } | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

const reject = (reason: RejectReason, detail: string): GateResult => ({ ok: false, reason, detail });

/**
 * Whether a detected face may become a template. `faces` is every face in the image: an enrollment image must show
 * exactly one person.
 */
export function checkEnrollmentFace(
  faces: readonly Face[],
  quality: FaceQuality | undefined,
  limits: QualityLimits,
  checkLiveness: boolean,
): GateResult {
  const face = faces[0];
  if (!face) return reject('no_face', 'no face found');
  if (faces.length > 1) return reject('several_faces', `${faces.length} faces in the image: an enrollment image must show one person`);
  if (face.box.width < limits.minFaceSize)
    return reject('too_small', `the face is ${Math.round(face.box.width)} px wide; at least ${limits.minFaceSize} px needed: come closer`);
  if (!quality) return reject('no_face', 'the face could not be measured');
  if (quality.luminance < limits.minLuminance)
    return reject('too_dark', `face luminance ${Math.round(quality.luminance)} < ${limits.minLuminance}: add light`);
  if (quality.luminance > limits.maxLuminance)
    return reject('too_bright', `face luminance ${Math.round(quality.luminance)} > ${limits.maxLuminance}: less direct light`);
  if (quality.contrast < limits.minContrast)
    return reject('low_contrast', `face contrast ${quality.contrast.toFixed(1)} < ${limits.minContrast}`);
  if (quality.sharpness < limits.minSharpness)
    return reject('blurred', `sharpness ${quality.sharpness.toFixed(1)} < ${limits.minSharpness}: hold still, clean the lens`);
  const pitch = face.pose.pitch - FRONTAL_PITCH;
  if (Math.abs(face.pose.yaw) > limits.maxYaw || Math.abs(pitch) > limits.maxPitch) {
    return reject(
      'off_pose',
      `head turned too far (yaw ${face.pose.yaw}, pitch ${Math.round(pitch)}; limits ${limits.maxYaw} and ${limits.maxPitch})`,
    );
  }
  if (Math.min(face.eyes.left, face.eyes.right) < limits.minEyeOpenness) return reject('eyes_closed', 'eyes closed or covered');
  if (checkLiveness && (face.live ?? 0) < limits.minLive)
    return reject('spoof', `liveness ${(face.live ?? 0).toFixed(2)} < ${limits.minLive}: a live face, not a photo or a screen`);
  return { ok: true };
}
