import { existsSync } from 'node:fs';
import type { TemplateKey } from '../device/store/templateCipher.js';
import type { ImageFeatures } from './imageFeatures.js';
import { readSealedFile, writeSealedFile } from './sealedFile.js';

const MAGIC = Buffer.from('FLFC1');
/**
 * How features are taken from an image, beyond the model files: bumped whenever that changes, so that a cache made
 * the old way is never read as the new one. 2: the labelled (central) face, not the largest.
 */
export const EXTRACTION_VERSION = 2;
const AAD = Buffer.from('facelock feature cache v1');

interface Entry {
  found: boolean;
  e?: string;
  c?: ImageFeatures['conditions'];
  a?: number;
  l?: number;
  p?: number;
  err?: string;
}

/**
 * Image features by model hash and image hash, so a second calibration run (or the peer's) computes nothing twice.
 * Embeddings are biometric even for public photos, so the file is sealed with AES-256-GCM under the template key,
 * written atomically; a cache that does not open (another key, a damaged file) is discarded and rebuilt, never trusted.
 */
export class FeatureCache {
  private entries = new Map<string, Entry>();
  private dirty = 0;
  readonly discarded: string | undefined;

  private constructor(
    private readonly file: string,
    private readonly key: TemplateKey,
    discarded?: string,
  ) {
    this.discarded = discarded;
  }

  static open(file: string, key: TemplateKey): FeatureCache {
    if (!existsSync(file)) return new FeatureCache(file, key);
    try {
      const plain = readSealedFile(file, key, MAGIC, AAD, 'facelock feature cache');
      const cache = new FeatureCache(file, key);
      cache.entries = new Map(Object.entries(JSON.parse(plain.toString('utf8')) as Record<string, Entry>));
      return cache;
    } catch (err) {
      return new FeatureCache(file, key, `${file} could not be opened (${(err as Error).message}): it will be rebuilt`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(modelHash: string, imageHash: string, needLiveness: boolean): ImageFeatures | undefined {
    const e = this.entries.get(`${EXTRACTION_VERSION}:${modelHash}:${imageHash}`);
    if (!e || (needLiveness && e.found && (e.a === undefined || e.l === undefined || e.p === undefined))) return undefined;
    const embedding = e.e ? new Float32Array(Uint8Array.from(Buffer.from(e.e, 'base64')).buffer) : undefined;
    return {
      found: e.found,
      ...(embedding ? { embedding } : {}),
      ...(e.c ? { conditions: e.c } : {}),
      ...(e.a === undefined ? {} : { antispoof: e.a }),
      ...(e.l === undefined ? {} : { live: e.l }),
      ...(e.p === undefined ? {} : { passive: e.p }),
      ...(e.err ? { error: e.err } : {}),
    };
  }

  set(modelHash: string, imageHash: string, f: ImageFeatures): void {
    this.entries.set(`${EXTRACTION_VERSION}:${modelHash}:${imageHash}`, {
      found: f.found,
      ...(f.embedding ? { e: Buffer.from(f.embedding.buffer, f.embedding.byteOffset, f.embedding.byteLength).toString('base64') } : {}),
      ...(f.conditions ? { c: f.conditions } : {}),
      ...(f.antispoof === undefined ? {} : { a: f.antispoof }),
      ...(f.live === undefined ? {} : { l: f.live }),
      ...(f.passive === undefined ? {} : { p: f.passive }),
      ...(f.error ? { err: f.error } : {}),
    });
    this.dirty++;
  }

  /** Seals and writes the cache (beside it, fsync, rename), when anything changed. */
  save(): void {
    if (this.dirty === 0) return;
    writeSealedFile(this.file, this.key, MAGIC, AAD, Buffer.from(JSON.stringify(Object.fromEntries(this.entries)), 'utf8'));
    this.dirty = 0;
  }

  get unsaved(): number {
    return this.dirty;
  }
}
