import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { StoreError } from '../../common/errors.js';

/** A 32-byte AES-256 key with a short public id (a hash of it) to tell keys apart without revealing them. */
export interface TemplateKey {
  readonly bytes: Buffer;
  readonly id: string;
}

export interface SealedTemplate {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
  readonly keyId: string;
}

export function templateKey(bytes: Buffer): TemplateKey {
  if (bytes.length !== 32) throw new StoreError('key_wrong', `a template key is 32 bytes, this one is ${bytes.length}`);
  return { bytes, id: createHash('sha256').update('facelock key id').update(bytes).digest('hex').slice(0, 16) };
}

export function newTemplateKey(): TemplateKey {
  return templateKey(randomBytes(32));
}

/** What is stored in the database to recognise its key: an HMAC of a fixed label, which does not reveal the key. */
export function keyCheck(key: TemplateKey): string {
  return createHmac('sha256', key.bytes).update('facelock key check v1').digest('hex');
}

/**
 * The associated data binding a ciphertext to its row and its user's random identifier: a template moved to another
 * row or user, or put back after its user was removed, fails to open.
 */
export function templateAad(userUid: string, templateId: string): Buffer {
  return Buffer.from(`facelock template v2|user ${userUid}|template ${templateId}`, 'utf8');
}

/** The first schema's associated data (the user's row id, which could be reused): read once, to re-seal as v2. */
export function templateAadV1(userId: number, templateId: string): Buffer {
  return Buffer.from(`facelock template v1|user ${userId}|template ${templateId}`, 'utf8');
}

/** AES-256-GCM with a fresh random 96-bit IV per record. */
export function sealEmbedding(key: TemplateKey, embedding: Float32Array, aad: Buffer): SealedTemplate {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad);
  const plain = Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag(), keyId: key.id };
}

/** Opens a sealed embedding; a changed byte, a wrong key or a moved row is an integrity error, never a wrong vector. */
export function openEmbedding(key: TemplateKey, sealed: SealedTemplate, aad: Buffer, what: string): Float32Array {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, sealed.iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    const plain = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    const out = new Float32Array(plain.length / 4);
    Buffer.from(out.buffer).set(plain);
    plain.fill(0);
    return out;
  } catch (err) {
    throw new StoreError(
      'store_tampered',
      `${what} failed its integrity check (AES-GCM authentication): the database was changed outside facelock or the row was moved; restore it from a backup (facelock enroll import) or re-enroll the user`,
      { cause: err },
    );
  }
}

/** The associated data of a retained frame: bound to its attempt. */
export function frameAad(attemptId: number): Buffer {
  return Buffer.from(`facelock frame v1|attempt ${attemptId}`, 'utf8');
}

/** AES-256-GCM over arbitrary bytes (a retained JPEG frame), fresh IV. */
export function sealBytes(key: TemplateKey, plain: Buffer, aad: Buffer): SealedTemplate {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag(), keyId: key.id };
}

export function openBytes(key: TemplateKey, sealed: SealedTemplate, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, sealed.iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}
