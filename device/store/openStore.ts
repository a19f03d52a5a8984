import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../common/errors.js';
import { openDatabase } from './database.js';
import { keySource, readKeyFile, removeFile, writeKeyFile } from './keyFile.js';
import { keyCheck, newTemplateKey } from './templateCipher.js';
import { TemplateStore } from './templateStore.js';

/** Where facelock keeps its state and its key. */
export interface StorePaths {
  /** Holds facelock.db (mode 0700); default /var/lib/facelock. */
  readonly stateDir: string;
  /** The template key; default /etc/facelock/facelock.key. A systemd credential takes precedence. */
  readonly keyFile: string;
}

/** Where the state and the key are when neither a flag, the environment nor the config says. */
export const DEFAULT_STORE_PATHS: StorePaths = { stateDir: '/var/lib/facelock', keyFile: '/etc/facelock/facelock.key' };

export const databaseFile = (paths: StorePaths) => join(paths.stateDir, 'facelock.db');
const pendingKey = (keyFile: string) => `${keyFile}.next`;

/**
 * Opens the template store with its key. Finishes an interrupted key rotation first: when `KEY.next` exists, the
 * database tells which of the two keys it was sealed with, and the other is dropped.
 */
export function openTemplateStore(paths: StorePaths): TemplateStore {
  const file = databaseFile(paths);
  const source = keySource(paths.keyFile);
  if (source === paths.keyFile && existsSync(pendingKey(paths.keyFile))) recoverRotation(paths.keyFile, file);
  return TemplateStore.open(file, readKeyFile(source));
}

function recoverRotation(keyFile: string, dbFile: string): void {
  const next = readKeyFile(pendingKey(keyFile));
  const db = openDatabase(dbFile);
  let stored: string | undefined;
  try {
    stored = (db.prepare('SELECT value FROM meta WHERE key = ?').get('key_check') as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
  if (stored === keyCheck(next)) renameSync(pendingKey(keyFile), keyFile);
  else removeFile(pendingKey(keyFile));
}

/** Creates the key file (0400); refuses to replace an existing key. */
export function initKey(keyFile: string): string {
  const key = newTemplateKey();
  writeKeyFile(keyFile, key);
  return key.id;
}

/**
 * Rotates the key: the new key is written beside the old one first, then every template is re-sealed in one
 * transaction, then the new key replaces the old file. A crash at any point leaves a store one of the two keys opens.
 */
export function rotateKey(paths: StorePaths): { templates: number; keyId: string } {
  if (keySource(paths.keyFile) !== paths.keyFile) {
    throw new StoreError(
      'key_exists',
      'the key comes from a systemd credential: rotate it with the key file the credential is loaded from, with the service stopped',
    );
  }
  const store = openTemplateStore(paths);
  try {
    const next = newTemplateKey();
    writeKeyFile(pendingKey(paths.keyFile), next, { replace: true });
    const templates = store.rotateKey(next);
    renameSync(pendingKey(paths.keyFile), paths.keyFile);
    return { templates, keyId: next.id };
  } finally {
    store.close();
  }
}
