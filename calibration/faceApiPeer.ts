import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { silentLogger } from '../common/logger.js';
import { type BackendChoice, selectBackend } from '../model/backend.js';
import type { Box } from '../model/geometry.js';
import type { RgbImage } from '../model/image/rgbImage.js';
import { packageDir } from '../model/packageFiles.js';
import { labelledFace } from './labelledFace.js';

/**
 * face-api.js (`@vladmandic/face-api`): tiny face detector + 68 landmarks + the dlib ResNet-34 recognition net,
 * on the same tfjs backend as facelock: the peer facelock is measured against.
 */
export interface PeerResult {
  readonly found: boolean;
  /** The raw 128-d descriptor (compared by Euclidean distance, as dlib does). */
  readonly descriptor?: Float32Array;
  readonly detectMs: number;
  readonly totalMs: number;
}

interface FaceApiModule {
  nets: Record<string, { loadFromDisk(dir: string): Promise<void> }>;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  detectSingleFace(
    input: tf.Tensor3D,
    options: unknown,
  ): PromiseLike<unknown> & {
    withFaceLandmarks(): { withFaceDescriptor(): PromiseLike<{ descriptor: Float32Array } | undefined> };
  };
  detectAllFaces(input: tf.Tensor3D, options: unknown): { withFaceLandmarks(): { withFaceDescriptors(): PromiseLike<PeerFace[]> } };
}

interface PeerFace {
  readonly detection: { readonly box: Box };
  readonly descriptor: Float32Array;
}

/** face-api's two face detectors: its default (the tiny detector, 416 px) and its most accurate (SSD MobileNet v1). */
export type PeerDetector = 'tiny' | 'ssd';

const DETECTOR_NETS = { tiny: 'tinyFaceDetector', ssd: 'ssdMobilenetv1' } as const;

export function peerName(detector: PeerDetector): string {
  const net = detector === 'ssd' ? 'ssdMobilenetv1' : 'tinyFaceDetector 416';
  return `@vladmandic/face-api 1.7.15 (${net} + faceLandmark68Net + faceRecognitionNet)`;
}

/** The default peer's name (its tiny detector). */
export const PEER_NAME = peerName('tiny');

export class FaceApiPeer {
  private constructor(
    private readonly api: FaceApiModule,
    readonly detector: PeerDetector,
  ) {}

  /**
   * Starts the tfjs backend (`auto`: the fastest that starts, WASM here; facelock's own engine may have left tfjs on
   * its CPU backend, 10x slower for this peer), then loads face-api's node-wasm build and its three networks.
   */
  static async load(detector: PeerDetector = 'tiny', backend: BackendChoice = 'auto'): Promise<FaceApiPeer> {
    await selectBackend(backend, silentLogger);
    const require = createRequire(import.meta.url);
    const dir = packageDir('@vladmandic/face-api');
    const api = require(join(dir, 'dist/face-api.node-wasm.js')) as FaceApiModule;
    const models = join(dir, 'model');
    for (const net of [DETECTOR_NETS[detector], 'faceLandmark68Net', 'faceRecognitionNet']) {
      const n = api.nets[net];
      if (!n) throw new Error(`face-api has no network ${net}`);
      await n.loadFromDisk(models);
    }
    return new FaceApiPeer(api, detector);
  }

  private options() {
    return this.detector === 'ssd'
      ? new this.api.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 10 })
      : new this.api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  }

  /** The descriptor of the labelled face of an image (the one nearest its centre, as facelock's is chosen). */
  describe(image: RgbImage): Promise<Float32Array | undefined> {
    return this.withInput(image, async (input) => {
      const faces = await this.api.detectAllFaces(input, this.options()).withFaceLandmarks().withFaceDescriptors();
      const face = labelledFace(faces, (f) => f.detection.box, image);
      return face ? Float32Array.from(face.descriptor) : undefined;
    });
  }

  /** Detection timed alone, then the whole chain: what the bench compares. */
  analyze(image: RgbImage): Promise<PeerResult> {
    return this.withInput(image, async (input) => {
      let t = performance.now();
      await this.api.detectSingleFace(input, this.options());
      const detectMs = performance.now() - t;
      t = performance.now();
      const result = await this.api.detectSingleFace(input, this.options()).withFaceLandmarks().withFaceDescriptor();
      const totalMs = performance.now() - t;
      if (!result) return { found: false, detectMs, totalMs };
      return { found: true, descriptor: Float32Array.from(result.descriptor), detectMs, totalMs };
    });
  }

  private async withInput<T>(image: RgbImage, use: (input: tf.Tensor3D) => Promise<T>): Promise<T> {
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      return await use(input);
    } finally {
      input.dispose();
    }
  }
}

/** The peer's native similarity: minus the Euclidean distance of two descriptors. */
export function peerSimilarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return -Math.sqrt(s);
}
