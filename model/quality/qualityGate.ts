import type { Face } from '../faceTypes.js';
import { FRONTAL_PITCH } from '../poseBins.js';
import type { FaceQuality } from './faceQuality.js';

/** Why a face is not good enough to use. */
export type QualityReason = 'too_small' | 'too_dark' | 'too_bright' | 'low_contrast' | 'blurred' | 'off_pose' | 'eyes_closed';

/** Every reason a face in a picture can be turned away before it is matched (enrollment and the door alike). */
export type FaceRejectReason = 'no_face' | 'several_faces' | 'spoof' | QualityReason;

/** Limits of one use of a face: enrollment is strict (a template lasts), the door is looser (people walk up). */
export interface QualityLimits {
  /** Smallest face (width of the landmark box) in pixels. */
  readonly minFaceSize: number;
  readonly minLuminance: number;
  readonly maxLuminance: number;
  /** 0: not checked. */
  readonly minContrast: number;
  readonly minSharpness: number;
  readonly maxYaw: number;
  /** Largest pitch away from a frontal face's (FRONTAL_PITCH). */
  readonly maxPitch: number;
  /** 0: not checked. */
  readonly minEyeOpenness: number;
}

export const ENROLL_QUALITY_LIMITS: QualityLimits = {
  minFaceSize: 60,
  minLuminance: 40,
  maxLuminance: 220,
  minContrast: 12,
  minSharpness: 15,
  maxYaw: 35,
  maxPitch: 25,
  minEyeOpenness: 0.12,
};

/** The door's: looser than enrollment's, with no contrast or eye check (a glance at the door is enough). */
export const DOOR_QUALITY_LIMITS: QualityLimits = {
  minFaceSize: 50,
  minLuminance: 30,
  maxLuminance: 230,
  minContrast: 0,
  minSharpness: 10,
  maxYaw: 45,
  maxPitch: 35,
  minEyeOpenness: 0,
};

export type QualityVerdict =
  | { readonly ok: true; readonly quality: FaceQuality }
  | { readonly ok: false; readonly reason: QualityReason | 'no_face'; readonly detail: string; readonly quality?: FaceQuality };

/**
 * The one quality gate: size first (cheap), then the crop's measurements (`measure` runs only for a face large
 * enough), light, contrast, sharpness, pose and open eyes, each against `limits`.
 */
export function checkQuality(face: Face, measure: () => FaceQuality | undefined, limits: QualityLimits): QualityVerdict {
  if (face.box.width < limits.minFaceSize)
    return {
      ok: false,
      reason: 'too_small',
      detail: `the face is ${Math.round(face.box.width)} px wide; at least ${limits.minFaceSize} px needed: come closer`,
    };
  const quality = measure();
  if (!quality) return { ok: false, reason: 'no_face', detail: 'the face could not be measured' };
  const no = (reason: QualityReason, detail: string): QualityVerdict => ({ ok: false, reason, detail, quality });
  if (quality.luminance < limits.minLuminance)
    return no('too_dark', `face luminance ${Math.round(quality.luminance)} < ${limits.minLuminance}: add light`);
  if (quality.luminance > limits.maxLuminance)
    return no('too_bright', `face luminance ${Math.round(quality.luminance)} > ${limits.maxLuminance}: less direct light`);
  if (quality.contrast < limits.minContrast)
    return no('low_contrast', `face contrast ${quality.contrast.toFixed(1)} < ${limits.minContrast}`);
  if (quality.sharpness < limits.minSharpness)
    return no('blurred', `sharpness ${quality.sharpness.toFixed(1)} < ${limits.minSharpness}: hold still, clean the lens`);
  const pitch = face.pose.pitch - FRONTAL_PITCH;
  if (Math.abs(face.pose.yaw) > limits.maxYaw || Math.abs(pitch) > limits.maxPitch)
    return no(
      'off_pose',
      `head turned too far (yaw ${face.pose.yaw}, pitch ${Math.round(pitch)}; limits ${limits.maxYaw} and ${limits.maxPitch})`,
    );
  if (Math.min(face.eyes.left, face.eyes.right) < limits.minEyeOpenness) return no('eyes_closed', 'eyes closed or covered');
  return { ok: true, quality };
}
