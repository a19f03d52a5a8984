import type { Db } from './database.js';

/** One approach's decision, as the audit log keeps it: no image, no embedding. */
export interface AttemptRecord {
  readonly at: string;
  readonly outcome: 'unlock' | 'reject';
  readonly reason: string | null;
  readonly userId: number | null;
  readonly score: number | null;
  readonly liveness: number | null;
  readonly timings: Readonly<Record<string, number>>;
  readonly yaw: number | null;
  readonly pitch: number | null;
  readonly roll: number | null;
  readonly luminance: number | null;
  readonly contrast: number | null;
}

/** Appends attempts to the `attempts` table; every write is a committed, synced transaction (synchronous=FULL). */
export class AuditLog {
  private readonly insert;
  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO attempts (at, outcome, reason, user_id, score, liveness, timings, yaw, pitch, roll, luminance, contrast, occlusion)
       VALUES (@at, @outcome, @reason, @userId, @score, @liveness, @timings, @yaw, @pitch, @roll, @luminance, @contrast, NULL)`,
    );
  }

  record(a: AttemptRecord): void {
    this.insert.run({ ...a, timings: JSON.stringify(a.timings) });
  }
}
