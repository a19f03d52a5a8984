import type { HeadPose } from './facePose.js';
import type { Box, Point, Point3 } from './geometry.js';
import type { Affine } from './image/warpAffine.js';

/** The stages the engine times, in the order they run. */
export type EngineStage = 'detect' | 'landmarks' | 'embed' | 'liveness';

/** Everything the engine knows about one face. Coordinates are in the analysed image's pixels. */
export interface Face {
  /** The landmarks' bounding box. */
  readonly box: Box;
  /** The detector's own box, which Human's face crop is cut from. */
  readonly detectionBox: Box;
  readonly detectionScore: number;
  readonly meshScore: number;
  /** Detector keypoints: right eye, left eye, nose, mouth, right ear, left ear. */
  readonly keypoints: readonly Point[];
  /** The 468 FaceMesh landmarks. */
  readonly landmarks: readonly Point3[];
  readonly pose: HeadPose;
  /** Eye aspect ratio of each eye (about 0.3 open, under 0.1 closed). */
  readonly eyes: { readonly left: number; readonly right: number };
  /** Output pixel -> image pixel map of the embedder's aligned crop, a square of `alignSize` pixels. */
  readonly alignMap: Affine;
  readonly alignSize: number;
  /** Followed from the previous frame's mesh without the detector (FaceEngine.track); absent when detected. */
  readonly tracked?: true;
  /** L2-normalised identity embedding; absent when embedding was not asked for. */
  readonly embedding?: Float32Array;
  /** p(live) by facelock's texture model (the door's default); absent when liveness was not asked for. */
  readonly live?: number;
  /** p(live) by facelock's trained passive net. */
  readonly passive?: number;
  /** Human's antispoof score, higher = real; absent when liveness was not asked for. */
  readonly antispoof?: number;
  /** Human's liveness score, higher = live. */
  readonly liveness?: number;
}

export interface Analysis {
  readonly width: number;
  readonly height: number;
  /** Faces, largest first. */
  readonly faces: readonly Face[];
  /** Milliseconds spent in each stage for this image. */
  readonly timings: Readonly<Record<EngineStage, number>>;
}

export interface AnalyzeOptions {
  readonly embed?: boolean;
  readonly liveness?: boolean;
  /** Analyse only the largest N faces past detection (default all). */
  readonly maxFaces?: number;
}
