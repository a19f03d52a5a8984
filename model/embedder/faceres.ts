import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, squareCropMap, warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput, output } from '../runtime/networkSession.js';
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

  constructor(readonly session: NetworkSession) {}

  cropMap(face: FaceGeometry): Affine {
    const { cx, cy, side } = humanFaceCrop(face.detection);
    return squareCropMap(cx, cy, side, 0, INPUT);
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    warpAffine(image, this.cropMap(face), INPUT, INPUT, 1, 0, this.input);
    const feeds = { [onlyInput(this.session)]: { data: this.input, dims: [1, INPUT, INPUT, 3] } };
    const out = await this.session.run(feeds, ['global_pooling/Mean']);
    return l2normalize(Float32Array.from(output(out, 'global_pooling/Mean', this.session.name).data));
  }
}
