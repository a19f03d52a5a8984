import type { Point3 } from './geometry.js';

/** FaceMesh points of the lid contour of the eye on the image's left (the subject's right eye), 6 points. */
export const MESH_EYE_IMAGE_LEFT = [33, 160, 158, 133, 153, 144] as const;
/** FaceMesh points of the lid contour of the eye on the image's right (the subject's left eye), 6 points. */
export const MESH_EYE_IMAGE_RIGHT = [362, 385, 387, 263, 373, 380] as const;

/** The mean image position of some mesh points. */
export function meshCentre(mesh: readonly Point3[], idx: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += mesh[i]?.[0] ?? 0;
    y += mesh[i]?.[1] ?? 0;
  }
  return [x / idx.length, y / idx.length];
}
