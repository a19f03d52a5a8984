import { ImageError } from '../common/errors.js';
import { decodeFrame } from '../device/camera/decodeFrame.js';
import type { Camera } from '../device/ports.js';
import type { StoredTemplate } from '../device/store/templateRecords.js';
import { cosine } from '../model/embedder/embedder.js';
import type { FaceEngine } from '../model/faceEngine.js';
import type { RgbImage } from '../model/image/rgbImage.js';

export interface LiveVerifyResult {
  readonly frames: number;
  readonly withFace: number;
  /** Frames whose face matched the user above the threshold and passed the antispoof check. */
  readonly matched: number;
  readonly bestSimilarity: number | null;
  readonly match: boolean;
}

/** Watches the camera for `seconds`; the user is verified when `k` frames match and look live. */
export async function verifyLive(
  camera: Camera,
  engine: FaceEngine,
  templates: readonly StoredTemplate[],
  opts: { seconds: number; threshold: number; minLive: number; k: number },
): Promise<LiveVerifyResult> {
  let frames = 0;
  let withFace = 0;
  let matched = 0;
  let best: number | null = null;
  for await (const frame of camera.frames(AbortSignal.timeout(opts.seconds * 1000))) {
    frames++;
    let image: RgbImage;
    try {
      image = await decodeFrame(frame);
    } catch (err) {
      if (err instanceof ImageError) continue;
      throw err;
    }
    const face = (await engine.analyze(image, { maxFaces: 1, liveness: true })).faces[0];
    if (!face?.embedding) continue;
    withFace++;
    const e = face.embedding;
    const s = Math.max(...templates.map((t) => cosine(t.embedding, e)));
    best = best === null ? s : Math.max(best, s);
    if (s > opts.threshold && (face.live ?? 0) >= opts.minLive) matched++;
    if (matched >= opts.k) break;
  }
  return { frames, withFace, matched, bestSimilarity: best, match: matched >= opts.k };
}
