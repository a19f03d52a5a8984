import type { Detection, FaceDetector } from './detector/blazeface.js';
import { detectionFromMesh, MIN_TRACK_IOU } from './detector/meshTrack.js';
import type { Embedder, FaceGeometry } from './embedder/embedder.js';
import { humanFaceCrop } from './embedder/humanFaceCrop.js';
import { eyeOpenness, headPose } from './facePose.js';
import type { Analysis, AnalyzeOptions, EngineStage, Face } from './faceTypes.js';
import { boundingBox, iou } from './geometry.js';
import type { RgbImage } from './image/rgbImage.js';
import { type Affine, squareCropMap, warpToRgb } from './image/warpAffine.js';
import type { FacemeshLandmarker } from './landmarks/facemesh.js';
import { DOOR_PAD_FINE_SIDE, DOOR_PAD_SIDE, doorPadFeatures } from './liveness/doorPadFeatures.js';
import type { PassiveLivenessModel } from './liveness/passive/passiveModelFile.js';
import type { ShippedLivenessNet } from './liveness/shippedLiveness.js';
import type { TextureLivenessModel } from './liveness/texture/textureModelFile.js';

export interface FaceEngineParts {
  readonly detector: FaceDetector;
  readonly landmarker: FacemeshLandmarker;
  readonly embedder: Embedder;
  readonly antispoof: ShippedLivenessNet;
  readonly liveness: ShippedLivenessNet;
  /** facelock's own passive presentation-attack model (`facelock train liveness`). */
  readonly passive: PassiveLivenessModel;
  /** facelock's texture presentation-attack model (LBP and a linear classifier; the door's default). */
  readonly texture: TextureLivenessModel;
}

export interface FaceEngineInfo {
  /** The tfjs backend of the networks that run on tfjs; `none` when every network runs on ONNX Runtime. */
  readonly backend: string;
  /** sha256 of every model file, by package and path. */
  readonly modelHashes: Readonly<Record<string, string>>;
  /** FaceMesh presence probability below which a detection is dropped as not a face. */
  readonly minMeshScore: number;
}

const LIVENESS_CROP = 128;
const now = () => performance.now();

/**
 * The face engine: detect -> landmarks (pose, eyes) -> embed and liveness, on one decoded image. Expected
 * outcomes (no face, several faces) are results; only faults throw. One image at a time: the networks reuse their
 * input buffers, so overlapping calls (an unawaited Promise.all) would score each other's pixels.
 */
export class FaceEngine {
  constructor(
    private readonly parts: FaceEngineParts,
    readonly info: FaceEngineInfo,
  ) {}

  get embedderName(): string {
    return this.parts.embedder.name;
  }

  get embeddingSize(): number {
    return this.parts.embedder.dimensions;
  }

  async analyze(image: RgbImage, opts: AnalyzeOptions = {}): Promise<Analysis> {
    const timings: Record<EngineStage, number> = { detect: 0, landmarks: 0, embed: 0, liveness: 0 };
    let t = now();
    const detections = (await this.parts.detector.detect(image))
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
      .slice(0, opts.maxFaces ?? Number.POSITIVE_INFINITY);
    timings.detect = now() - t;
    const faces: Face[] = [];
    for (const detection of detections) {
      t = now();
      let face = await this.meshFace(image, detection);
      timings.landmarks += now() - t;
      if (!face) continue;
      if (opts.embed !== false) {
        t = now();
        face = { ...face, embedding: await this.embed(image, face) };
        timings.embed += now() - t;
      }
      if (opts.liveness) {
        t = now();
        face = { ...face, ...(await this.livenessScores(image, face)) };
        timings.liveness += now() - t;
      }
      faces.push(face);
    }
    return { width: image.width, height: image.height, faces, timings };
  }

  /**
   * The face of the previous frame followed into this one without the detector: the landmarker on a detection made from
   * the previous mesh (model/detector/meshTrack.ts). Undefined when the mesh no longer finds a face there, or finds
   * it moved more than MIN_TRACK_IOU allows: the caller detects again. Landmarks only, like `analyze` with `embed: false`.
   */
  async track(image: RgbImage, previous: Pick<Face, 'landmarks' | 'detectionScore' | 'box'>): Promise<Face | undefined> {
    const face = await this.meshFace(image, detectionFromMesh(previous.landmarks, previous.detectionScore));
    // a face that moved far is detected again: there the mesh can stay near the old place, sure of itself and wrong
    return face && iou(face.box, previous.box) >= MIN_TRACK_IOU ? { ...face, tracked: true } : undefined;
  }

  /** The landmarker on one detection, and what follows from the mesh; undefined when the mesh finds no face there. */
  private async meshFace(image: RgbImage, detection: Detection): Promise<Face | undefined> {
    const mesh = await this.parts.landmarker.landmarks(image, detection);
    if (mesh.score < this.info.minMeshScore || mesh.points.length < 468) return undefined;
    const geometry: FaceGeometry = { detection, landmarks: mesh.points };
    return {
      box: boundingBox(mesh.points),
      detectionBox: detection.box,
      detectionScore: detection.score,
      meshScore: mesh.score,
      keypoints: detection.keypoints,
      landmarks: mesh.points,
      pose: headPose(mesh.points),
      eyes: eyeOpenness(mesh.points),
      alignMap: this.parts.embedder.cropMap(geometry),
      alignSize: this.parts.embedder.inputSize,
    };
  }

  /** The identity embedding of a face found by `analyze`. */
  embed(image: RgbImage, face: Face): Promise<Float32Array> {
    return this.parts.embedder.embed(image, {
      detection: { box: face.detectionBox, score: face.detectionScore, keypoints: face.keypoints },
      landmarks: face.landmarks,
    });
  }

  /** p(live) of the texture model at or above which a frame counts as live (chosen on NUAA dev for its target BPCER). */
  get liveThreshold(): number {
    return this.parts.texture.meta.threshold;
  }

  /** The same for the trained passive net. */
  get passiveThreshold(): number {
    return this.parts.passive.meta.threshold;
  }

  /** p(live) of a face by facelock's texture model (calibrated by temperature scaling): the door's liveness score. */
  async liveProbability(image: RgbImage, face: Face): Promise<number> {
    return this.parts.texture.score(image, face, (i, f, size) => this.livenessCrop(i, f, size));
  }

  /** The features a door's own liveness head reads (model/liveness/doorPadFeatures.ts) of a face found by `analyze`. */
  doorPadFeatures(image: RgbImage, face: Face): Float32Array {
    return doorPadFeatures(this.livenessCrop(image, face, DOOR_PAD_SIDE).data, this.livenessCrop(image, face, DOOR_PAD_FINE_SIDE).data);
  }

  /** p(live) of a face by facelock's trained passive net (calibrated by temperature scaling). */
  async passiveProbability(image: RgbImage, face: Face): Promise<number> {
    return this.parts.passive.score(image, face, (i, f, size) => this.livenessCrop(i, f, size));
  }

  /**
   * The liveness scores of a face: the texture model's p(live) (`live`), the trained net's (`passive`) and the shipped
   * antispoof and liveness scores.
   */
  async livenessScores(image: RgbImage, face: Face): Promise<{ live: number; passive: number; antispoof: number; liveness: number }> {
    const { cx, cy, side } = humanFaceCrop({ box: face.detectionBox, score: face.detectionScore, keypoints: face.keypoints });
    const map = squareCropMap(cx, cy, side, 0, LIVENESS_CROP);
    return {
      live: await this.liveProbability(image, face),
      passive: await this.passiveProbability(image, face),
      antispoof: await this.parts.antispoof.score(image, map, LIVENESS_CROP),
      liveness: await this.parts.liveness.score(image, map, LIVENESS_CROP),
    };
  }

  /** The face as the presentation-attack nets see it (Human's face crop: the face and a margin), `size` pixels square. */
  livenessCrop(image: RgbImage, face: Face, size = 64): RgbImage {
    const { cx, cy, side } = humanFaceCrop({ box: face.detectionBox, score: face.detectionScore, keypoints: face.keypoints });
    return warpToRgb(image, squareCropMap(cx, cy, side, 0, size), size, size);
  }

  /** The face as the embedder sees it, as RGB pixels (kept in memory only: face images are never written unencrypted). */
  alignedCrop(image: RgbImage, face: Face, size = 112): RgbImage {
    const k = face.alignSize / size;
    const m = face.alignMap;
    const scaled: Affine = [m[0] * k, m[1] * k, m[2], m[3] * k, m[4] * k, m[5]];
    return warpToRgb(image, scaled, size, size);
  }
}
