import { ModelError } from '../../../common/errors.js';
import type { Face } from '../../faceTypes.js';
import type { RgbImage } from '../../image/rgbImage.js';
import type { ModelEntry } from '../../manifest.js';
import { readVerifiedJson } from '../../verifiedModelLoader.js';
import { LBP_FEATURES, lbpFeatures } from './lbpFeatures.js';
import { type LinearModel, linearLogit } from './linearModel.js';

export const TEXTURE_FORMAT = 'facelock-texture-liveness/1';
export const TEXTURE_FILE = 'texture-liveness.json';

/** The texture model's file: the crop side, the linear model on its LBP features, its calibration and operating point. */
export interface TextureModelMeta {
  readonly format: typeof TEXTURE_FORMAT;
  /** Side of the face crop (Human's face box and margin) the features are computed on, in pixels. */
  readonly side: number;
  readonly model: LinearModel;
  /** Temperature scaling fitted on dev: p(live) = sigmoid(logit / temperature). */
  readonly temperature: number;
  /** Probability at or above which a frame counts as live, chosen on NUAA dev's live frames for `targetBpcer`. */
  readonly threshold: number;
  readonly targetBpcer: number;
  readonly training: Record<string, unknown>;
}

/**
 * The texture presentation-attack model at the door: uniform LBP histograms of the face crop and a linear classifier
 * (lbpFeatures.ts says why), temperature-scaled to p(live). Pure computation: no network, no runtime.
 */
export class TextureLivenessModel {
  constructor(readonly meta: TextureModelMeta) {}

  /** p(live) of an RGB crop of `meta.side` pixels square, values 0-255 (LBP only compares pixels: the scale is free). */
  probabilityOfCrop(rgb: Float32Array): number {
    const z = linearLogit(this.meta.model, lbpFeatures(rgb, this.meta.side));
    return 1 / (1 + Math.exp(-z / this.meta.temperature));
  }

  /** p(live) of a face in an image; `crop` is the face engine's liveness crop. */
  score(image: RgbImage, face: Face, crop: (image: RgbImage, face: Face, size: number) => RgbImage): number {
    const c = crop(image, face, this.meta.side);
    return this.probabilityOfCrop(Float32Array.from(c.data));
  }
}

/** Checks a parsed texture model file's shape, naming the file and the fix when it is not one. */
export function checkedTextureMeta(meta: Partial<TextureModelMeta>, file: string): TextureModelMeta {
  const fix = 'train one with `facelock train liveness` or restore the shipped model/weights';
  if (meta.format !== TEXTURE_FORMAT) throw new ModelError('model_integrity', `${file} is not a ${TEXTURE_FORMAT} model: ${fix}`);
  const m = meta.model;
  const sized = (v: unknown) => Array.isArray(v) && v.length === LBP_FEATURES && v.every((x) => Number.isFinite(x));
  if (!m || !sized(m.mean) || !sized(m.scale) || !sized(m.weights) || !Number.isFinite(m.bias) || m.scale.some((s) => s <= 0))
    throw new ModelError(
      'model_integrity',
      `${file}: the linear model must hold ${LBP_FEATURES} finite means, positive scales and weights: ${fix}`,
    );
  if (!Number.isInteger(meta.side) || (meta.side as number) < 16 || (meta.side as number) > 512)
    throw new ModelError('model_integrity', `${file}: crop side ${meta.side} is not an integer in 16-512: ${fix}`);
  if (
    !(typeof meta.temperature === 'number' && meta.temperature > 0) ||
    !(typeof meta.threshold === 'number' && meta.threshold > 0 && meta.threshold < 1)
  )
    throw new ModelError('model_integrity', `${file}: temperature must be > 0 and threshold in (0, 1): ${fix}`);
  return meta as TextureModelMeta;
}

/** The texture model's file alone (its threshold without loading an engine), its sha256 checked. */
export async function textureModelMeta(entry: ModelEntry, dir?: string): Promise<TextureModelMeta> {
  return checkedTextureMeta((await readVerifiedJson(entry, dir)) as Partial<TextureModelMeta>, entry.files[0]?.path ?? entry.name);
}

/** Loads the texture model after checking its sha256 against the manifest. */
export async function loadTextureModel(entry: ModelEntry, dir?: string): Promise<TextureLivenessModel> {
  const json = (await readVerifiedJson(entry, dir)) as Partial<TextureModelMeta>;
  return new TextureLivenessModel(checkedTextureMeta(json, entry.files[0]?.path ?? entry.name));
}
