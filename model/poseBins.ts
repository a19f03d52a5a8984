import type { HeadPose } from './facePose.js';

/** Where a face looks, as the enrollment guide and the coverage tables name it. */
export type PoseBin = 'frontal' | 'left' | 'right' | 'up' | 'down';

export const POSE_BINS: readonly PoseBin[] = ['frontal', 'left', 'right', 'up', 'down'];

/**
 * FaceMesh's forehead-to-chin axis leans about 6 degrees on a frontal face (measured on ORL and lfw-dev), so
 * pitch is taken relative to that. Yaw > 0 is a turn to the subject's own right; pitch > 0 is looking down.
 */
export const FRONTAL_PITCH = 6;
const TURN = 12;

export function poseBin(pose: HeadPose): PoseBin {
  const pitch = pose.pitch - FRONTAL_PITCH;
  if (Math.abs(pose.yaw) >= TURN && Math.abs(pose.yaw) >= Math.abs(pitch)) return pose.yaw > 0 ? 'right' : 'left';
  if (pitch >= TURN) return 'down';
  if (pitch <= -TURN) return 'up';
  return 'frontal';
}

/** What a person is asked to do to fill a bin. */
export const POSE_PROMPTS: Readonly<Record<PoseBin, string>> = {
  frontal: 'look straight at the camera',
  left: 'turn your head slightly to your left',
  right: 'turn your head slightly to your right',
  up: 'tilt your head slightly up',
  down: 'tilt your head slightly down',
};
