import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../../../common/errors.js';
import type { Face } from '../../faceTypes.js';
import type { RgbImage } from '../../image/rgbImage.js';
import type { ModelEntry } from '../../manifest.js';
import { type NetworkSession, output } from '../../runtime/networkSession.js';
import { loadOnnxSession, type OnnxOptions } from '../../runtime/onnxRuntime.js';
import { tfjsCodeSession } from '../../runtime/tfjsSession.js';
import { loadVerifiedWeights, readVerifiedJson } from '../../verifiedModelLoader.js';
import { CROP_SIDE, type NetTensors, type PassiveNetConfig, passiveForward, resizeCrops } from './passiveNet.js';
import { passiveNetToOnnx } from './passiveOnnx.js';

export const PASSIVE_FORMAT = 'facelock-passive-liveness/1';
export const PASSIVE_FILES = { json: 'passive-liveness.json', weights: 'passive-liveness.bin' } as const;

/** What is saved beside the weights: the net, its calibration and operating point, and how it was made. */
export interface PassiveModelMeta {
  readonly format: typeof PASSIVE_FORMAT;
  readonly net: PassiveNetConfig;
  /** Temperature scaling fitted on dev: p(live) = sigmoid(logit / temperature). */
  readonly temperature: number;
  /** Probability at or above which a frame counts as live, chosen on dev for `targetBpcer`. */
  readonly threshold: number;
  readonly targetBpcer: number;
  readonly training: Record<string, unknown>;
}

/**
 * The trained passive presentation-attack model at the door: the face crop (as in training) -> a calibrated
 * probability that the face is live.
 */
export class PassiveLivenessModel {
  constructor(
    readonly meta: PassiveModelMeta,
    /** The net behind the runtime port. */
    readonly session: NetworkSession,
  ) {}

  /** The net on tfjs, run by `passiveForward` itself (the training code's own forward pass). */
  static onTfjs(meta: PassiveModelMeta, tensors: NetTensors): PassiveLivenessModel {
    const session = tfjsCodeSession(
      'passiveLiveness',
      { inputs: ['crops'], outputs: ['probability'] },
      ({ crops }) => ({
        probability: tf.tidy(() => {
          const x = resizeCrops(crops as tf.Tensor4D, meta.net.size);
          return tf.sigmoid(tf.div(passiveForward(tensors, meta.net, x, { training: false }).logits, meta.temperature));
        }),
      }),
      () => {
        for (const t of Object.values(tensors)) t.dispose();
      },
    );
    return new PassiveLivenessModel(meta, session);
  }

  /** The net written as ONNX (batch normalisation folded) on ONNX Runtime; the tensors are released. */
  static async onOnnx(meta: PassiveModelMeta, tensors: NetTensors, options: OnnxOptions = {}): Promise<PassiveLivenessModel> {
    const weights = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Float32Array.from(t.dataSync())]));
    for (const t of Object.values(tensors)) t.dispose();
    const session = await loadOnnxSession('passiveLiveness', passiveNetToOnnx(meta.net, weights, meta.temperature), options);
    return new PassiveLivenessModel(meta, session);
  }

  /** Calibrated probabilities for crops of CROP_SIDE pixels (N x side x side x 3 in [0, 1]). */
  async probabilities(crops: Float32Array): Promise<Float32Array> {
    const n = crops.length / (CROP_SIDE * CROP_SIDE * 3);
    const out = await this.session.run({ crops: { data: crops, dims: [n, CROP_SIDE, CROP_SIDE, 3] } });
    return output(out, 'probability', this.session.name).data;
  }

  /** p(live) of a face in an image; `crop` is the face engine's liveness crop. */
  async score(image: RgbImage, face: Face, crop: (image: RgbImage, face: Face, size: number) => RgbImage): Promise<number> {
    const c = crop(image, face, CROP_SIDE);
    const x = new Float32Array(c.data.length);
    for (let i = 0; i < x.length; i++) x[i] = (c.data[i] as number) / 255;
    return (await this.probabilities(x))[0] as number;
  }

  dispose(): void {
    void this.session.dispose();
  }
}

/** The saved metadata alone (threshold, temperature, training record), its sha256 checked like the weights'. */
export async function passiveModelMeta(entry: ModelEntry, dir?: string): Promise<PassiveModelMeta> {
  return checkedMeta((await readVerifiedJson(entry, dir)) as Partial<PassiveModelMeta>, entry.files[0]?.path ?? entry.name);
}

function checkedMeta(meta: Partial<PassiveModelMeta>, file: string): PassiveModelMeta {
  if (meta.format !== PASSIVE_FORMAT || !meta.net || typeof meta.temperature !== 'number' || typeof meta.threshold !== 'number') {
    throw new ModelError('model_integrity', `${file} is not a ${PASSIVE_FORMAT} model: train one with \`facelock train liveness\``);
  }
  return meta as PassiveModelMeta;
}

/**
 * Loads the model of a manifest entry after checking both files' sha256, and refuses any other format; it runs on
 * ONNX Runtime unless `onnx` is undefined (then on tfjs).
 */
export async function loadPassiveModel(entry: ModelEntry, dir?: string, onnx?: OnnxOptions): Promise<PassiveLivenessModel> {
  const { weights, json } = await loadVerifiedWeights(entry, dir);
  const meta = checkedMeta(json as Partial<PassiveModelMeta>, entry.files[0]?.path ?? entry.name);
  return onnx ? PassiveLivenessModel.onOnnx(meta, weights, onnx) : PassiveLivenessModel.onTfjs(meta, weights);
}
