import type { Point3 } from './geometry.js';
import { distance } from './geometry.js';

/** Head pose in degrees: yaw (turn, + to the subject's left), pitch (nod, + up), roll (tilt). */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

type Vec = [number, number, number];
const sub = (a: Point3, b: Point3): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (v: Vec): Vec => {
  const l = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
};
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const deg = (r: number) => (r * 180) / Math.PI;

/** FaceMesh indices: forehead top, chin, right and left cheek edge. */
const MESH = { forehead: 10, chin: 152, rightCheek: 234, leftCheek: 454 } as const;

/**
 * Head pose from the face's own axes in the 3-D mesh (the method of Human's angles.ts): y from forehead to chin,
 * x from cheek to cheek, z their cross product, converted to Euler angles (YZX order).
 */
export function headPose(mesh: readonly Point3[]): HeadPose {
  const f = mesh[MESH.forehead];
  const c = mesh[MESH.chin];
  const r = mesh[MESH.rightCheek];
  const l = mesh[MESH.leftCheek];
  if (!f || !c || !r || !l) return { yaw: 0, pitch: 0, roll: 0 };
  const yAxis = norm(sub(c, f));
  let xAxis = norm(sub(l, r));
  const zAxis = norm(cross(xAxis, yAxis));
  xAxis = cross(yAxis, zAxis);
  const [r00, , , r10, r11, r12, r20] = [...xAxis, ...yAxis, ...zAxis];
  const thetaZ = Math.atan2(r10, Math.sqrt(r00 * r00 + r20 * r20));
  const thetaY = Math.atan2(-r20, r00);
  const thetaX = Math.atan2(-r12, r11);
  return { yaw: clean(-deg(thetaY)), pitch: clean(-deg(thetaX)), roll: clean(-deg(thetaZ)) };
}

function clean(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10) / 10 : 0;
}

/** Eyelid and corner indices of each eye in the 468-point mesh. */
const EYES = {
  right: { upper: [159, 158, 160], lower: [145, 153, 144], corners: [33, 133] },
  left: { upper: [386, 385, 387], lower: [374, 380, 373], corners: [362, 263] },
} as const;

/**
 * Eye openness as the eye aspect ratio (mean lid gap over eye width): about 0.25-0.35 for an open eye, below 0.1
 * for a closed one.
 */
export function eyeOpenness(mesh: readonly Point3[]): { left: number; right: number } {
  const ear = (eye: (typeof EYES)['left' | 'right']) => {
    const [c0, c1] = eye.corners.map((i) => mesh[i]);
    if (!c0 || !c1) return 0;
    const width = distance(c0, c1);
    let gap = 0;
    for (let k = 0; k < eye.upper.length; k++) {
      const u = mesh[eye.upper[k] ?? 0];
      const d = mesh[eye.lower[k] ?? 0];
      if (u && d) gap += distance(u, d);
    }
    return width > 0 ? Math.round((gap / eye.upper.length / width) * 1000) / 1000 : 0;
  };
  return { left: ear(EYES.left), right: ear(EYES.right) };
}
