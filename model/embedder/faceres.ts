import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, squareCropMap, warpAffine } from '../image/warpAffine.js';
import { type Embedder, type FaceGeometry, l2normalize } from './embedder.js';
import { humanFaceCrop } from './humanFaceCrop.js';

const INPUT = 224;

/**
 * HSE FaceRes (Human's `faceres`): identity features from its 1024-d global pooling output, L2-normalised.
 * Input as Human feeds it: the detector box enlarged 1.4x, unrotated, values in [0, 255].
 */
export class FaceresEmbedder implements Embedder {
  readonly name = 'faceres';
  readonly inputSize = INPUT;
  readonly dimensions = 1024;
  private readonly input = new Float32Array(INPUT * INPUT * 3);

  constructor(private readonly model: GraphModel) {}

  cropMap(face: FaceGeometry): Affine {
    const { cx, cy, side } = humanFaceCrop(face.detection);
    return squareCropMap(cx, cy, side, 0, INPUT);
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    warpAffine(image, this.cropMap(face), INPUT, INPUT, 1, 0, this.input);
    const out = tf.tidy(() => {
      const x = tf.tensor4d(this.input, [1, INPUT, INPUT, 3]);
      return this.model.execute(x, 'global_pooling/Mean') as tf.Tensor;
    });
    const data = Float32Array.from(await out.data());
    out.dispose();
    return l2normalize(data);
  }
}
