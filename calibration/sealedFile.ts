import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateKey } from '../device/store/templateCipher.js';

/**
 * A file sealed with AES-256-GCM under the template key: MAGIC, a fresh 96-bit IV, the tag, the ciphertext; `aad`
 * binds it to its purpose. Written beside itself, fsynced and renamed: a crash leaves the old file or the new one.
 */
export function writeSealedFile(file: string, key: TemplateKey, magic: Buffer, aad: Buffer, plain: Buffer): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, Buffer.concat([magic, iv, cipher.getAuthTag(), body]));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Opens a sealed file; throws when it is not one (another magic), was sealed under another key, or was changed. */
export function readSealedFile(file: string, key: TemplateKey, magic: Buffer, aad: Buffer, what: string): Buffer {
  const raw = readFileSync(file);
  if (!raw.subarray(0, magic.length).equals(magic)) throw new Error(`not a ${what}`);
  const iv = raw.subarray(magic.length, magic.length + 12);
  const tag = raw.subarray(magic.length + 12, magic.length + 28);
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(raw.subarray(magic.length + 28)), decipher.final()]);
}
