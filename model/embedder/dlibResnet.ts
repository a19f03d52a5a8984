import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Point3 } from '../geometry.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, squareCropMap, warpAffine } from '../image/warpAffine.js';
import { MESH_EYE_IMAGE_LEFT, MESH_EYE_IMAGE_RIGHT, meshCentre } from '../meshPoints.js';
import { packageDir } from '../packageFiles.js';
import { type NetworkSession, output } from '../runtime/networkSession.js';
import { tfjsCodeSession } from '../runtime/tfjsSession.js';
import { type Embedder, type FaceGeometry, l2normalize } from './embedder.js';

const INPUT = 150;

/** The part of face-api's FaceRecognitionNet facelock uses. */
interface FaceRecognitionNet {
  loadFromWeightMap(weights: tf.NamedTensorMap): void;
  computeFaceDescriptor(input: tf.Tensor3D): Promise<Float32Array | Float32Array[]>;
  dispose(): void;
}

/** Creates face-api's network definition (its node-wasm build, on the same tfjs engine as facelock). */
export function createFaceRecognitionNet(): FaceRecognitionNet {
  const require = createRequire(import.meta.url);
  const api = require(join(packageDir('@vladmandic/face-api'), 'dist/face-api.node-wasm.js')) as {
    FaceRecognitionNet: new () => FaceRecognitionNet;
  };
  return new api.FaceRecognitionNet();
}

/** FaceMesh points standing for face-api's 68-point mouth (20 lip points); its eyes are the mesh's 6 lid points each. */
const MOUTH = [61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91, 78, 81, 13, 311, 308, 402, 14, 178] as const;

/**
 * face-api's crop for this net (FaceLandmarks.alignDlib): a square of side mean(eye-to-mouth distance) / 0.45,
 * whose reference point, the centroid of both eye centres and the mouth centre, sits at (0.5, 0.43) of the side.
 * facelock also levels the eyes, so a tilted head or camera gives the same crop.
 */
export function dlibCropMap(mesh: readonly Point3[], size = INPUT): Affine {
  const el = meshCentre(mesh, MESH_EYE_IMAGE_LEFT);
  const er = meshCentre(mesh, MESH_EYE_IMAGE_RIGHT);
  const mouth = meshCentre(mesh, MOUTH);
  const eyeToMouth = (Math.hypot(mouth[0] - el[0], mouth[1] - el[1]) + Math.hypot(mouth[0] - er[0], mouth[1] - er[1])) / 2;
  const side = eyeToMouth / 0.45;
  const ref = [(el[0] + er[0] + mouth[0]) / 3, (el[1] + er[1] + mouth[1]) / 3] as const;
  const angle = Math.atan2(er[1] - el[1], er[0] - el[0]);
  // the crop centre lies (0.5 - 0.43) * side below the reference point, in the face's own (levelled) frame
  const down = (0.5 - 0.43) * side;
  const cx = ref[0] - Math.sin(angle) * down;
  const cy = ref[1] + Math.cos(angle) * down;
  return squareCropMap(cx, cy, side, angle, size);
}

/**
 * The dlib ResNet-34 face-recognition net as face-api ships it: 128-d descriptors, L2-normalised by facelock
 * and compared by cosine similarity.
 */
export class DlibResnetEmbedder implements Embedder {
  readonly name = 'dlibResnet';
  readonly inputSize = INPUT;
  readonly dimensions = 128;
  private readonly input = new Float32Array(INPUT * INPUT * 3);
  /** face-api's net behind the runtime port: a network defined in code, on tfjs. */
  readonly session: NetworkSession;

  constructor(net: FaceRecognitionNet) {
    this.session = tfjsCodeSession(
      'dlibResnet',
      { inputs: ['crop'], outputs: ['descriptor'] },
      async ({ crop }) => {
        const out = await net.computeFaceDescriptor(crop as tf.Tensor3D);
        const descriptor = Array.isArray(out) ? out[0] : out;
        if (!descriptor || descriptor.length !== this.dimensions) throw new Error('face-api returned no 128-d descriptor');
        return { descriptor: tf.tensor1d(descriptor) };
      },
      () => net.dispose(),
    );
  }

  cropMap(face: FaceGeometry): Affine {
    return dlibCropMap(face.landmarks);
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    warpAffine(image, this.cropMap(face), INPUT, INPUT, 1, 0, this.input);
    const out = await this.session.run({ crop: { data: this.input, dims: [INPUT, INPUT, 3] } });
    return l2normalize(Float32Array.from(output(out, 'descriptor', this.session.name).data));
  }
}
