import type { Detection } from '../detector/blazeface.js';
import type { Point3 } from '../geometry.js';
import type { RgbImage } from '../image/rgbImage.js';
import type { Affine } from '../image/warpAffine.js';
import type { NetworkSession } from '../runtime/networkSession.js';

/** Where a face is: the detector's box and keypoints and the 468-point mesh. */
export interface FaceGeometry {
  readonly detection: Detection;
  readonly landmarks: readonly Point3[];
}

/** An identity network with its own crop and input scaling. Embeddings are L2-normalised. */
export interface Embedder {
  readonly name: string;
  /** The network behind the runtime port (its runtime is logged at load). */
  readonly session: NetworkSession;
  readonly dimensions: number;
  /** Side of the square crop the network sees. */
  readonly inputSize: number;
  /** Output pixel -> image pixel map of the network's crop for this face. */
  cropMap(face: FaceGeometry): Affine;
  embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array>;
}

/** L2-normalises a vector in place and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const n = Math.sqrt(sum);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}

/** Cosine similarity of two L2-normalised embeddings. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embedding lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}
