import type { RgbImage } from '../image/rgbImage.js';
import { type Affine, warpAffine } from '../image/warpAffine.js';
import { type NetworkSession, onlyInput } from '../runtime/networkSession.js';

/**
 * One of Human's small presentation-attack nets (`antispoof` 128 px, `liveness` 32 px): the face crop in [0, 1],
 * one score where higher means a live face. Human itself calls them quick checks; facelock measures them.
 */
export class ShippedLivenessNet {
  private readonly input: Float32Array;

  constructor(
    readonly name: 'antispoof' | 'liveness',
    private readonly session: NetworkSession,
    private readonly size: number,
  ) {
    this.input = new Float32Array(size * size * 3);
  }

  /** `map` takes a square crop of `mapSize` pixels to the image; it is rescaled to the net's input size. */
  async score(image: RgbImage, map: Affine, mapSize: number): Promise<number> {
    const k = mapSize / this.size;
    const scaled: Affine = [map[0] * k, map[1] * k, map[2], map[3] * k, map[4] * k, map[5]];
    warpAffine(image, scaled, this.size, this.size, 1 / 255, 0, this.input);
    const out = await this.session.run({ [onlyInput(this.session)]: { data: this.input, dims: [1, this.size, this.size, 3] } });
    return Object.values(out)[0]?.data[0] ?? 0;
  }
}
