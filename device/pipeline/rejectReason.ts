import type { FaceRejectReason } from '../../model/quality/qualityGate.js';

/** Why a frame did not lead to a match: a closed set, logged and counted by reason. */
export type RejectReason =
  | 'no_motion'
  /** A frame that is not an image (a damaged JPEG from the camera or a recording): skipped, the door goes on. */
  | 'bad_frame'
  | FaceRejectReason
  | 'no_match'
  /** The approach ended (the person left, or the camera stopped) before k of n frames matched: its last frame did. */
  | 'too_few_frames'
  | 'locked_out'
  | 'outside_schedule'
  /** The matched user was removed or re-enrolled while the door was deciding: the store no longer holds them. */
  | 'revoked'
  /** The unlock could not be written to the audit log (a full disk, a store fault): the door does not open unrecorded. */
  | 'audit_failed';
