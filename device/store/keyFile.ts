import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError } from '../../common/errors.js';
import { type TemplateKey, templateKey } from './templateCipher.js';

/** Name of the key in a systemd credentials directory (`LoadCredential=facelock.key:/etc/facelock/facelock.key`). */
export const CREDENTIAL_NAME = 'facelock.key';

/**
 * Where the key comes from: the systemd credential when `$CREDENTIALS_DIRECTORY` holds one, else the key file.
 */
export function keySource(keyFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const creds = env.CREDENTIALS_DIRECTORY;
  if (creds && existsSync(join(creds, CREDENTIAL_NAME))) return join(creds, CREDENTIAL_NAME);
  return keyFile;
}

/** Reads the key; refuses a file others can read or write, and says how to fix it. Format: 64 hex digits. */
export function readKeyFile(file: string): TemplateKey {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new StoreError('key_missing', `no template key at ${file}: create one with \`facelock key init\` (or point --key-file at it)`, {
      cause: err,
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new StoreError(
      'key_insecure',
      `the template key ${file} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}: others could read it; run \`chmod 600 ${file}\` (0600 or 0400 is required)`,
    );
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new StoreError('key_wrong', `${file} is not a facelock key (64 hex digits expected)`);
  return templateKey(Buffer.from(text, 'hex'));
}

/** Writes a key file with mode 0400 atomically (write beside it, fsync, rename); refuses to replace one. */
export function writeKeyFile(file: string, key: TemplateKey, options: { replace?: boolean } = {}): void {
  if (!options.replace && existsSync(file)) {
    throw new StoreError('key_exists', `${file} already exists: facelock never overwrites a key (templates would become unreadable)`);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'wx', 0o400);
  try {
    writeSync(fd, `${key.bytes.toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

export function removeFile(file: string): void {
  if (existsSync(file)) unlinkSync(file);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
