import { toPlanes } from '../image/planes.js';
import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput } from '../runtime/networkSession.js';
import { ARCFACE_TEMPLATE, fivePointsFromMesh, similarityToImage } from './arcfaceAlignment.js';
import { type Embedder, type FaceGeometry, l2normalize } from './embedder.js';

const INPUT = 112;
const PLANE = INPUT * INPUT;

/**
 * faceplugin's `fr_feature` network (a MobileFaceNet with an ArcFace-style 512-d head): the face warped by a
 * five-point similarity onto the ArcFace template, RGB as (x - 127) / 128 in planes (1x3x112x112), as its
 * lib/fr_feature.js feeds it. Embeddings are L2-normalised and compared by plain cosine similarity.
 */
export class FacepluginEmbedder implements Embedder {
  readonly name = 'faceplugin';
  readonly inputSize = INPUT;
  readonly dimensions = 512;
  private readonly pixels = new Float32Array(PLANE * 3);
  private readonly planes = new Float32Array(PLANE * 3);

  constructor(readonly session: NetworkSession) {}

  cropMap(face: FaceGeometry): Affine {
    return similarityToImage(ARCFACE_TEMPLATE, fivePointsFromMesh(face.landmarks));
  }

  async embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array> {
    warpAffine(image, this.cropMap(face), INPUT, INPUT, 1 / 128, -127 / 128, this.pixels);
    toPlanes(this.pixels, this.planes, PLANE);
    const out = await this.session.run({ [onlyInput(this.session)]: { data: this.planes, dims: [1, 3, INPUT, INPUT] } });
    const embedding = Object.values(out)[0]?.data;
    if (!embedding || embedding.length !== this.dimensions)
      throw new Error(`${this.session.name} returned no ${this.dimensions}-d embedding`);
    return l2normalize(Float32Array.from(embedding));
  }
}
