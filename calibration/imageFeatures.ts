import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../common/hashing.js';
import type { BackendChoice } from '../model/backend.js';
import { cosine } from '../model/embedder/embedder.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { decodeImage } from '../model/image/decodeImage.js';
import { greyOf } from '../model/image/greyImage.js';
import type { RgbImage } from '../model/image/rgbImage.js';
import { type DetectorName, type EmbedderName, engineModelHashes } from '../model/loadFaceEngine.js';
import { packageDir } from '../model/packageFiles.js';
import { measureQuality } from '../model/quality/faceQuality.js';
import type { ImageConditions } from './conditionAnalysis.js';
import { FaceApiPeer, type PeerDetector, peerName, peerSimilarity } from './faceApiPeer.js';
import { labelledFace } from './labelledFace.js';

/** What calibration needs from one image. Embeddings stay in memory or in the encrypted cache, never in a report. */
export interface ImageFeatures {
  readonly found: boolean;
  readonly embedding?: Float32Array;
  readonly conditions?: ImageConditions;
  /** Shipped antispoof score (higher = real), when asked for. */
  readonly antispoof?: number;
  /** p(live) of facelock's texture liveness model, when asked for. */
  readonly live?: number;
  /** p(live) of facelock's trained passive net, when asked for. */
  readonly passive?: number;
  /** Why the image could not be used (unreadable), when it could not. */
  readonly error?: string;
}

/** The networks under evaluation: facelock's engine, or face-api.js as the peer to beat (its default and its SSD detector). */
export const EVALUATED_MODELS = ['facelock', 'face-api', 'face-api-ssd'] as const;
export type EvaluatedModel = (typeof EVALUATED_MODELS)[number];

const peerDetectorOf = (model: EvaluatedModel): PeerDetector => (model === 'face-api-ssd' ? 'ssd' : 'tiny');

export interface FeatureExtractor {
  readonly model: EvaluatedModel;
  readonly description: string;
  /** sha256 over every model file used: the cache key and the registry's model hash. */
  readonly modelHash: string;
  /** `grey`: the image turned grey with the camera's luma first (a grey camera's view of the same face). */
  features(bytes: Buffer, name: string, withLiveness: boolean, grey?: boolean): Promise<ImageFeatures>;
}

export function similarityOf(model: EvaluatedModel): (a: Float32Array, b: Float32Array) => number {
  return model === 'facelock' ? cosine : peerSimilarity;
}

export function hashOfHashes(hashes: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(hashes).sort()) h.update(`${k} ${hashes[k]}\n`);
  return h.digest('hex');
}

export function facelockExtractor(engine: FaceEngine): FeatureExtractor {
  return {
    model: 'facelock',
    description: `facelock ${engine.embedderName}`,
    modelHash: hashOfHashes(engine.info.modelHashes),
    features: (bytes, name, withLiveness, grey) =>
      fromImage(bytes, name, grey, async (image) => {
        const { faces } = await engine.analyze(image, { embed: false });
        const face = labelledFace(faces, (f) => f.detectionBox, image);
        if (!face) return { found: false };
        const embedding = await engine.embed(image, face);
        const scores = withLiveness ? await engine.livenessScores(image, face) : undefined;
        const q = measureQuality(engine.alignedCrop(image, face, 112));
        return {
          found: true,
          embedding,
          conditions: {
            yaw: face.pose.yaw,
            pitch: face.pose.pitch,
            luminance: q.luminance,
            contrast: q.contrast,
            meshScore: face.meshScore,
          },
          ...(scores ? { antispoof: scores.antispoof, live: scores.live, passive: scores.passive } : {}),
        };
      }),
  };
}

/**
 * Decodes the image (grey when asked) and hands it on; an unreadable image is a failure to enrol with its reason,
 * never a crash.
 */
async function fromImage(
  bytes: Buffer,
  name: string,
  grey: boolean | undefined,
  use: (image: RgbImage) => Promise<ImageFeatures>,
): Promise<ImageFeatures> {
  let image: RgbImage;
  try {
    image = await decodeImage(bytes, name);
  } catch (err) {
    return { found: false, error: (err as Error).message };
  }
  return use(grey ? greyOf(image) : image);
}

function faceApiModelHashes(detector: PeerDetector): Record<string, string> {
  const dir = join(packageDir('@vladmandic/face-api'), 'model');
  const hashes: Record<string, string> = {};
  const detectorFiles = detector === 'ssd' ? 'ssd_mobilenetv1' : 'tiny_face_detector';
  const files = new RegExp(`^(${detectorFiles}|face_landmark_68|face_recognition)_model`);
  for (const f of readdirSync(dir).filter((n) => files.test(n)))
    hashes[`@vladmandic/face-api/model/${f}`] = sha256(readFileSync(join(dir, f)));
  return hashes;
}

/** The model hash of an evaluated model, without loading it (the cache is looked up before any worker starts). */
export function modelHashOf(model: EvaluatedModel, embedder: EmbedderName, detector: DetectorName = 'blazeface'): string {
  return hashOfHashes(model === 'facelock' ? engineModelHashes({ embedder, detector }) : faceApiModelHashes(peerDetectorOf(model)));
}

/** face-api.js as shipped: its own detector, landmarks and 128-d descriptor (no pose, no liveness). */
export async function faceApiExtractor(backend: BackendChoice, model: EvaluatedModel = 'face-api'): Promise<FeatureExtractor> {
  const detector = peerDetectorOf(model);
  const peer = await FaceApiPeer.load(detector, backend);
  return {
    model,
    description: peerName(detector),
    modelHash: hashOfHashes(faceApiModelHashes(detector)),
    features: (bytes, name, _withLiveness, grey) =>
      fromImage(bytes, name, grey, async (image) => {
        const descriptor = await peer.describe(image);
        return descriptor ? { found: true, embedding: descriptor } : { found: false };
      }),
  };
}
