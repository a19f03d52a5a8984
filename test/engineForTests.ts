import { silentLogger } from '../common/logger.js';
import type { FaceEngine } from '../model/faceEngine.js';
import type { Face } from '../model/faceTypes.js';
import { decodeImage, decodeImageFile } from '../model/image/decodeImage.js';
import { DEFAULT_ENGINE_CONFIG, loadFaceEngine } from '../model/loadFaceEngine.js';

/** The engine as the product loads it (real weights, sha256-checked, auto backend). */
export async function loadTestEngine(): Promise<FaceEngine> {
  return (await loadFaceEngine(DEFAULT_ENGINE_CONFIG, silentLogger)).engine;
}

/** The largest face of an image file or encoded bytes, or undefined when none is found. */
export async function largestFace(engine: FaceEngine, input: string | Uint8Array): Promise<Face | undefined> {
  const image = typeof input === 'string' ? await decodeImageFile(input) : await decodeImage(input, 'test image');
  return (await engine.analyze(image, { maxFaces: 1, liveness: true })).faces[0];
}
