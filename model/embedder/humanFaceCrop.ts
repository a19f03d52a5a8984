import type { Detection } from '../detector/blazeface.js';

/** Human's face crop, which its face networks were used with: the detector box enlarged 1.4x, squared. */
export const HUMAN_BOX_SCALE = 1.4;

export function humanFaceCrop(det: Detection): { cx: number; cy: number; side: number } {
  return {
    cx: det.box.x + det.box.width / 2,
    cy: det.box.y + det.box.height / 2,
    side: Math.max(det.box.width, det.box.height) * HUMAN_BOX_SCALE,
  };
}
