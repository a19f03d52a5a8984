import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../common/errors.js';
import { AuditLog } from './auditLog.js';
import { type Db, openDatabase } from './database.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facelock-full-'));
  db = openDatabase(join(dir, 'facelock.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const attempt = {
  at: new Date().toISOString(),
  outcome: 'reject' as const,
  reason: 'no_match',
  userId: null,
  score: 0.1,
  liveness: 0.9,
  timings: {},
  yaw: 0,
  pitch: 0,
  roll: 0,
  luminance: 100,
  contrast: 40,
};

describe('a full disk under the audit log', () => {
  it('is a store fault that names the database and says to free space (SQLite reports SQLITE_FULL)', () => {
    const audit = new AuditLog(db);
    audit.record(attempt);
    // the database may not grow: fill what it has, then every further write is refused as on a full disk
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let err: unknown;
    for (let i = 0; i < 10_000 && err === undefined; i++) {
      try {
        audit.record({ ...attempt, reason: `no_match ${'x'.repeat(200)}` });
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/^database .*facelock\.db: database or disk is full: the disk is full; free space and retry/);
    expect(() => audit.event({ at: attempt.at, kind: 'fault', source: 'test', detail: 'x'.repeat(20_000) })).toThrow(/the disk is full/);
    // nothing half-written: every row there is whole
    const rows = db.prepare('SELECT reason FROM attempts').all() as { reason: string }[];
    expect(rows.every((r) => r.reason.startsWith('no_match'))).toBe(true);
  });
});
