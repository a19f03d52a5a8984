import type { Face } from '../model/faceTypes.js';
import type { FaceQuality } from '../model/quality/faceQuality.js';
import { checkQuality, ENROLL_QUALITY_LIMITS, type FaceRejectReason, type QualityLimits } from '../model/quality/qualityGate.js';

/** Why a face is not good enough to enroll. */
export type RejectReason = FaceRejectReason;

/** Enrollment's quality limits and, for camera capture, its liveness floor. */
export interface EnrollLimits extends QualityLimits {
  /** Minimum p(live) of the trained liveness model; checked only for camera capture (0: the model's own threshold). */
  readonly minLive: number;
}

export const DEFAULT_QUALITY_LIMITS: EnrollLimits = { ...ENROLL_QUALITY_LIMITS, minLive: 0 };

export type GateResult = { readonly ok: true } | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

/**
 * Whether a detected face may become a template. `faces` is every face in the image: an enrollment image must show
 * exactly one person.
 */
export function checkEnrollmentFace(
  faces: readonly Face[],
  quality: FaceQuality | undefined,
  limits: EnrollLimits,
  checkLiveness: boolean,
): GateResult {
  const face = faces[0];
  if (!face) return { ok: false, reason: 'no_face', detail: 'no face found' };
  if (faces.length > 1)
    return { ok: false, reason: 'several_faces', detail: `${faces.length} faces in the image: an enrollment image must show one person` };
  const verdict = checkQuality(face, () => quality, limits);
  if (!verdict.ok) return verdict;
  if (checkLiveness && (face.live ?? 0) < limits.minLive)
    return {
      ok: false,
      reason: 'spoof',
      detail: `liveness ${(face.live ?? 0).toFixed(2)} < ${limits.minLive}: a live face, not a photo or a screen`,
    };
  return { ok: true };
}
