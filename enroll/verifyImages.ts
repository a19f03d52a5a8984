import { ImageError } from '../common/errors.js';
import type { StoredTemplate } from '../device/store/templateRecords.js';
import { cosine } from '../model/embedder/embedder.js';
import type { FaceEngine } from '../model/faceEngine.js';
import { decodeImageFile } from '../model/image/decodeImage.js';

export interface VerifyResult {
  readonly file: string;
  /** Best cosine similarity over the user's templates; null when the photo gave no face. */
  readonly similarity: number | null;
  readonly match: boolean;
  readonly reason?: string;
}

/** The best-matching template score of the largest face of each photo, against one user's templates. */
export async function verifyImages(
  engine: FaceEngine,
  templates: readonly StoredTemplate[],
  files: readonly string[],
  threshold: number,
): Promise<VerifyResult[]> {
  const out: VerifyResult[] = [];
  for (const file of files) {
    try {
      const face = (await engine.analyze(await decodeImageFile(file), { maxFaces: 1 })).faces[0];
      if (!face?.embedding) {
        out.push({ file, similarity: null, match: false, reason: 'no face' });
        continue;
      }
      const e = face.embedding;
      const best = Math.max(...templates.filter((t) => t.embedding.length === e.length).map((t) => cosine(t.embedding, e)));
      out.push({ file, similarity: best, match: best > threshold });
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      out.push({ file, similarity: null, match: false, reason: err.message });
    }
  }
  return out;
}
