import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateKey } from '../device/store/templateCipher.js';
import type { ImageFeatures } from './imageFeatures.js';

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
      const raw = readFileSync(file);
      if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a facelock feature cache');
      const iv = raw.subarray(MAGIC.length, MAGIC.length + 12);
      const tag = raw.subarray(MAGIC.length + 12, MAGIC.length + 28);
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv);
      decipher.setAAD(AAD);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(raw.subarray(MAGIC.length + 28)), decipher.final()]);
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
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key.bytes, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(this.entries)), 'utf8'), cipher.final()]);
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.dirty = 0;
  }

  get unsaved(): number {
    return this.dirty;
  }
}
