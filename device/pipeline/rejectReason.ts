import type { FaceRejectReason } from '../../model/quality/qualityGate.js';

/** Why a frame did not lead to a match: a closed set, logged and counted by reason. */
export type RejectReason =
  | 'no_motion'
  | FaceRejectReason
  | 'no_match'
  /** The approach ended (the person left, or the camera stopped) before k of n frames matched: its last frame did. */
  | 'too_few_frames'
  | 'locked_out'
  | 'outside_schedule';
