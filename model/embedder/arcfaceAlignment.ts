import type { Point3 } from '../geometry.js';
import type { Affine } from '../image/warpAffine.js';
import { MESH_EYE_IMAGE_LEFT, MESH_EYE_IMAGE_RIGHT, meshCentre } from '../meshPoints.js';

/**
 * The ArcFace 112x112 template (insightface, in pixel indices): the image's left eye, right eye, nose tip, left and
 * right mouth corner.
 */
export const ARCFACE_TEMPLATE: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** FaceMesh points standing for the five: the eyes' lid contours (their centres), the nose tip and the mouth corners. */
const NOSE_TIP = 1;
const MOUTH_IMAGE_LEFT = 61;
const MOUTH_IMAGE_RIGHT = 291;

/** The five alignment points of a 468-point FaceMesh, in the template's order. */
export function fivePointsFromMesh(mesh: readonly Point3[]): [number, number][] {
  const at = (i: number): [number, number] => [mesh[i]?.[0] ?? 0, mesh[i]?.[1] ?? 0];
  return [
    meshCentre(mesh, MESH_EYE_IMAGE_LEFT),
    meshCentre(mesh, MESH_EYE_IMAGE_RIGHT),
    at(NOSE_TIP),
    at(MOUTH_IMAGE_LEFT),
    at(MOUTH_IMAGE_RIGHT),
  ];
}

/**
 * The least-squares similarity (rotation, uniform scale, shift) taking the template's points onto the image's:
 * the output pixel -> image pixel map of the aligned crop. Template points are pixel indices, image points are
 * continuous coordinates (pixel centres at +0.5), as warpAffine samples.
 */
export function similarityToImage(template: readonly (readonly [number, number])[], image: readonly (readonly [number, number])[]): Affine {
  const n = Math.min(template.length, image.length);
  if (n < 2) throw new Error('a similarity needs at least two point pairs');
  let mu = 0;
  let mv = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mu += (template[i]?.[0] ?? 0) + 0.5;
    mv += (template[i]?.[1] ?? 0) + 0.5;
    mx += image[i]?.[0] ?? 0;
    my += image[i]?.[1] ?? 0;
  }
  mu /= n;
  mv /= n;
  mx /= n;
  my /= n;
  let suu = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    const u = (template[i]?.[0] ?? 0) + 0.5 - mu;
    const v = (template[i]?.[1] ?? 0) + 0.5 - mv;
    const x = (image[i]?.[0] ?? 0) - mx;
    const y = (image[i]?.[1] ?? 0) - my;
    suu += u * u + v * v;
    sa += u * x + v * y;
    sb += u * y - v * x;
  }
  if (suu === 0) throw new Error('the template points coincide');
  const a = sa / suu;
  const b = sb / suu;
  return [a, -b, mx - a * mu + b * mv, b, a, my - b * mu - a * mv];
}
