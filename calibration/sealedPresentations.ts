import { existsSync } from 'node:fs';
import type { TemplateKey } from '../device/store/templateCipher.js';
import { readSealedFile, writeSealedFile } from './sealedFile.js';

const MAGIC = Buffer.from('FLDL1');
const AAD = Buffer.from('facelock door liveness presentations v1');

/** One frame a door was shown: its features (never its pixels), the recording and the species (none: live). */
export interface PresentationFeatures {
  readonly recording: string;
  /** Whose face it shows, where the folder said (`PERSON--...`); else the recording. Folds hold people apart. */
  readonly person: string;
  readonly species: string | null;
  /** sha256 of the image the features came from: the same frame shown twice is kept once. */
  readonly image: string;
  readonly features: Float32Array;
}

interface Stored {
  readonly features: string;
  readonly frames: { r: string; p?: string; s: string | null; i: string; f: string }[];
}

/**
 * The presentations a door was calibrated on, as features, sealed with AES-256-GCM under the template key and written
 * atomically, so that a later calibration can add recordings without the old ones being shown again. A file that does
 * not open (another key after a rotation, a damaged file) or holds other features is discarded with the reason.
 */
export function readSealedPresentations(
  file: string,
  key: TemplateKey,
  featuresName: string,
): { frames: PresentationFeatures[]; discarded?: string } {
  if (!existsSync(file)) return { frames: [] };
  try {
    const plain = readSealedFile(file, key, MAGIC, AAD, 'facelock presentations file');
    const stored = JSON.parse(plain.toString('utf8')) as Stored;
    if (stored.features !== featuresName)
      return { frames: [], discarded: `${file} holds features ${stored.features}, not ${featuresName}: its presentations are not reused` };
    return {
      frames: stored.frames.map((x) => {
        const b = Buffer.from(x.f, 'base64');
        return {
          recording: x.r,
          person: x.p ?? x.r,
          species: x.s,
          image: x.i,
          features: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice(),
        };
      }),
    };
  } catch (err) {
    return { frames: [], discarded: `${file} could not be opened (${(err as Error).message}): its presentations are not reused` };
  }
}

/** Seals and writes the presentations (temporary file, fsync, rename: a crash leaves the old file or the new one). */
export function writeSealedPresentations(
  file: string,
  key: TemplateKey,
  featuresName: string,
  frames: readonly PresentationFeatures[],
): void {
  const stored: Stored = {
    features: featuresName,
    frames: frames.map((x) => ({
      r: x.recording,
      p: x.person,
      s: x.species,
      i: x.image,
      f: Buffer.from(x.features.buffer, x.features.byteOffset, x.features.byteLength).toString('base64'),
    })),
  };
  writeSealedFile(file, key, MAGIC, AAD, Buffer.from(JSON.stringify(stored), 'utf8'));
}
