import type { Detection } from '../detector/blazeface.js';
import { humanFaceCrop } from '../embedder/humanFaceCrop.js';
import type { Point3 } from '../geometry.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, applyAffine, squareCropMap, warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput, output } from '../runtime/networkSession.js';

export interface MeshResult {
  /** 468 points in image pixels; z in the same units, negative towards the camera. */
  readonly points: readonly Point3[];
  /** The mesh model's own face-presence probability. */
  readonly score: number;
}

const INPUT = 192;

/** The square crop the mesh sees: Human's face crop (detector box enlarged 1.4x), turned so the eyes are level. */
export function meshCropMap(det: Detection): { map: Affine; side: number; angle: number } {
  const { cx, cy, side } = humanFaceCrop(det);
  const angle = eyeLineAngle(det);
  return { map: squareCropMap(cx, cy, side, angle, INPUT), side, angle };
}

/** The angle of the line from the subject's right eye to the left eye (0 when level), in radians. */
export function eyeLineAngle(det: Detection): number {
  const right = det.keypoints[0];
  const left = det.keypoints[1];
  if (!right || !left) return 0;
  return Math.atan2(left[1] - right[1], left[0] - right[0]);
}

/** MediaPipe FaceMesh (468 landmarks) on a rotation-corrected crop around each detection. */
export class FacemeshLandmarker {
  readonly name = 'facemesh';
  private readonly input = new Float32Array(INPUT * INPUT * 3);

  constructor(private readonly session: NetworkSession) {}

  async landmarks(image: RgbImage, det: Detection): Promise<MeshResult> {
    const { map, side } = meshCropMap(det);
    warpAffine(image, map, INPUT, INPUT, 1 / 255, 0, this.input);
    const out = await this.session.run({ [onlyInput(this.session)]: { data: this.input, dims: [1, INPUT, INPUT, 3] } }, [
      'output_mesh',
      'output_faceflag',
    ]);
    const mesh = output(out, 'output_mesh', this.session.name).data;
    const flag = output(out, 'output_faceflag', this.session.name).data;
    const zScale = side / INPUT;
    const points: Point3[] = [];
    if (mesh) {
      for (let i = 0; i + 2 < mesh.length; i += 3) {
        const [x, y] = applyAffine(map, mesh[i] ?? 0, mesh[i + 1] ?? 0);
        points.push([x, y, (mesh[i + 2] ?? 0) * zScale]);
      }
    }
    const rawFlag = flag?.[0] ?? 0;
    // the graph's face flag is already a probability in Human's build; guard against a logit all the same
    const score = rawFlag >= 0 && rawFlag <= 1 ? rawFlag : 1 / (1 + Math.exp(-rawFlag));
    return { points, score };
  }
}
