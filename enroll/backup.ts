import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { StoreError } from '../common/errors.js';
import type { CaptureConditions, NewTemplate, StoredTemplate } from '../device/store/templateRecords.js';

/**
 * The owner's encrypted backup: users and templates sealed with AES-256-GCM under a key derived from a passphrase
 * with scrypt (N=2^17, r=8, p=1: 128 MB, OWASP's current floor). Independent of the device key, so it can be restored
 * on a new device. A file's own scrypt parameters are never trusted: only the ones this version writes are accepted
 * (a file asking for N=2^20 would take a gigabyte, enough to kill a Pi, before saying "wrong passphrase").
 */
export interface BackupFile {
  readonly format: 'facelock-backup';
  readonly version: 1;
  readonly kdf: { readonly name: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

export interface BackupUser {
  readonly name: string;
  readonly templates: NewTemplate[];
}

interface PlainTemplate {
  embedder: string;
  embedding: string;
  conditions: CaptureConditions;
}

const KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
const AAD = Buffer.from('facelock backup v1');
export const MIN_PASSPHRASE = 12;

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase, salt, 32, { ...kdf, maxmem: 256 * kdf.N * kdf.r });
}

export function sealBackup(templates: readonly StoredTemplate[], passphrase: string): BackupFile {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new StoreError('backup_invalid', `the backup passphrase must have at least ${MIN_PASSPHRASE} characters`);
  const users = new Map<string, PlainTemplate[]>();
  for (const t of templates) {
    const e = Buffer.from(t.embedding.buffer, t.embedding.byteOffset, t.embedding.byteLength).toString('base64');
    users.set(t.userName, [...(users.get(t.userName) ?? []), { embedder: t.embedder, embedding: e, conditions: t.conditions }]);
  }
  const plain = Buffer.from(JSON.stringify({ users: [...users].map(([name, ts]) => ({ name, templates: ts })) }), 'utf8');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, KDF), iv);
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  return {
    format: 'facelock-backup',
    version: 1,
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

export function openBackup(text: string, passphrase: string, source: string): BackupUser[] {
  let file: BackupFile;
  try {
    file = JSON.parse(text) as BackupFile;
  } catch (err) {
    throw new StoreError('backup_invalid', `${source} is not a facelock backup (not JSON)`, { cause: err });
  }
  if (file.format !== 'facelock-backup' || file.version !== 1 || file.kdf?.name !== 'scrypt') {
    throw new StoreError('backup_invalid', `${source} is not a facelock backup of a version this facelock reads`);
  }
  const { N, r, p } = file.kdf;
  if (N !== KDF.N || r !== KDF.r || p !== KDF.p)
    throw new StoreError(
      'backup_invalid',
      `${source} asks for scrypt N=${N}, r=${r}, p=${p}; this facelock reads only the parameters it writes (N=${KDF.N}, r=${KDF.r}, p=${KDF.p}): export the backup again with this version of facelock`,
    );
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), KDF),
      Buffer.from(file.iv, 'base64'),
    );
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64')), decipher.final()]);
  } catch (err) {
    throw new StoreError('backup_invalid', `${source} cannot be opened: wrong passphrase, or the file was changed`, { cause: err });
  }
  const data = JSON.parse(plain.toString('utf8')) as { users: { name: string; templates: PlainTemplate[] }[] };
  plain.fill(0);
  return data.users.map((u) => ({
    name: u.name,
    templates: u.templates.map((t) => {
      const bytes = Buffer.from(t.embedding, 'base64');
      const embedding = new Float32Array(bytes.length / 4);
      Buffer.from(embedding.buffer).set(bytes);
      return { embedding, embedder: t.embedder, source: 'import' as const, conditions: t.conditions };
    }),
  }));
}
