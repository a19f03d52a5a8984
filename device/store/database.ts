import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describeError, StoreError } from '../../common/errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the facelock database: WAL, `synchronous=FULL` (every commit, the audit log's
 * included, is on disk when it returns), foreign keys, `secure_delete` (deleted rows are overwritten), and the
 * schema migrated to the latest version.
 */
export function openDatabase(file: string): Db {
  let db: Db;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    // SQLite would take an empty file for a new database: a store that lost its contents must not look like one
    if (size === 0)
      throw new StoreError(
        'store_unavailable',
        `database ${file} is empty (0 bytes): a facelock database never is, so it was truncated or never written; restore it from a backup (facelock enroll import), or delete it to start an empty store`,
      );
    if (size === undefined) createDatabase(file);
    db = new Database(file);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw unavailable(file, err);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw unavailable(file, err);
  }
}

/**
 * A new database, whole or not at all: made beside its final name, owner-only whatever the umask (SQLite gives its
 * -wal and -shm files the database's mode), schema written and synced, then linked into place. A process killed
 * half-way leaves a stray temporary file, never an empty or half-made database under the real name.
 */
function createDatabase(file: string): void {
  const tmp = `${file}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  closeSync(openSync(tmp, 'wx', 0o600));
  const db = new Database(tmp);
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    migrate(db);
  } finally {
    db.close();
  }
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // into place without ever replacing a database another process made meanwhile (link fails if the name exists)
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`the database has schema version ${version}, newer than this facelock (${MIGRATIONS.length}): upgrade facelock`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** A store fault with the file and its cause found out: a full disk, an unwritable file or folder, a damaged file. */
export function unavailable(file: string, err: unknown): StoreError {
  const message = describeError(err);
  const code = (err as { code?: string }).code ?? '';
  let hint = '';
  if (/SQLITE_FULL|ENOSPC/.test(code) || freeBytes(file) < 1024 * 1024)
    hint = ': the disk is full; free space and retry (nothing was changed)';
  else if (/SQLITE_READONLY|EACCES|EROFS|EPERM/.test(code) || !writable(file)) {
    hint = ': the file or its folder is not writable by this user; check ownership and permissions (nothing was changed)';
  } else if (/SQLITE_CORRUPT|SQLITE_NOTADB/.test(code)) hint = ': the file is not a facelock database or is damaged; restore a backup';
  return new StoreError('store_unavailable', `database ${file}: ${message}${hint}`, { cause: err });
}

/** Free bytes on the file system holding `file` (its nearest existing folder); Infinity when unknown. */
function freeBytes(file: string): number {
  try {
    const s = statfsSync(existingAncestor(file));
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function writable(file: string): boolean {
  try {
    const target = existsSync(file) ? file : existingAncestor(file);
    accessSync(target, constants.W_OK);
    accessSync(dirname(file) === target ? target : existingAncestor(file), constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function existingAncestor(file: string): string {
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
