import type { Point, Point3 } from '../geometry.js';
import { boundingBox } from '../geometry.js';
import { MESH_EYE_IMAGE_LEFT, MESH_EYE_IMAGE_RIGHT, meshCentre } from '../meshPoints.js';
import type { Detection } from './blazeface.js';

/** FaceMesh points standing in for BlazeFace's keypoints: nose tip, the inner lips' middle, the ears' tragion. */
const NOSE_TIP = 1;
const LIPS_MIDDLE = [13, 14] as const;
const EAR_IMAGE_LEFT = 234;
const EAR_IMAGE_RIGHT = 454;

/**
 * The mesh's bounding box -> BlazeFace's box of the same face: the shift of the box centre in units of the mesh box's
 * width and height, and the ratio of the sides. Medians over lfw-dev images where the detector found the face and the
 * mesh followed it (`node dist/scripts/bench/fitMeshTrack.js 300`: 10-90% of dx -0.033-0.029, dy 0.001-0.061, scaleW
 * 1.03-1.17, scaleH 0.92-1.00).
 */
export const MESH_TO_BLAZEFACE_BOX = { dx: 0.0015, dy: 0.0344, scaleW: 1.1003, scaleH: 0.9547 } as const;

/**
 * A followed face must overlap the previous frame's by this much (intersection over union of the mesh boxes), else the
 * frame is detected again. A face that moved far is where the mesh goes wrong without knowing it: on NUAA's printed
 * photos moved by hand, the mesh given the old crop stayed near the old place (overlap 0.58-0.82 with it) while the
 * face was elsewhere, with full confidence, and its crops would have been judged by the liveness model off the face
 * (`node dist/scripts/bench/fitMeshTrack.js`).
 */
export const MIN_TRACK_IOU = 0.85;

export type MeshBoxMapping = { readonly dx: number; readonly dy: number; readonly scaleW: number; readonly scaleH: number };

/**
 * A detection made from the previous frame's mesh, as the detector would have given it: the box through the fitted
 * mapping, the six keypoints from the mesh. The landmarker then runs on it without the detector (tracking).
 */
export function detectionFromMesh(mesh: readonly Point3[], score: number, mapping: MeshBoxMapping = MESH_TO_BLAZEFACE_BOX): Detection {
  const b = boundingBox(mesh);
  const cx = b.x + b.width * (0.5 + mapping.dx);
  const cy = b.y + b.height * (0.5 + mapping.dy);
  const width = b.width * mapping.scaleW;
  const height = b.height * mapping.scaleH;
  const at = (i: number): Point => [mesh[i]?.[0] ?? 0, mesh[i]?.[1] ?? 0];
  return {
    box: { x: cx - width / 2, y: cy - height / 2, width, height },
    score,
    keypoints: [
      meshCentre(mesh, MESH_EYE_IMAGE_LEFT),
      meshCentre(mesh, MESH_EYE_IMAGE_RIGHT),
      at(NOSE_TIP),
      meshCentre(mesh, LIPS_MIDDLE),
      at(EAR_IMAGE_LEFT),
      at(EAR_IMAGE_RIGHT),
    ],
  };
}

/** The mapping that takes a mesh box to a detector box (both in image pixels), for fitting MESH_TO_BLAZEFACE_BOX. */
export function meshBoxMapping(mesh: readonly Point3[], detection: Detection): MeshBoxMapping {
  const m = boundingBox(mesh);
  const d = detection.box;
  return {
    dx: (d.x + d.width / 2 - (m.x + m.width / 2)) / m.width,
    dy: (d.y + d.height / 2 - (m.y + m.height / 2)) / m.height,
    scaleW: d.width / m.width,
    scaleH: d.height / m.height,
  };
}
