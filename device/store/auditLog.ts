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

/** A fault or a door event (lock, camera, inputs, tamper): its kind, where it came from, and the log line's text. */
export interface EventRecord {
  readonly at: string;
  readonly kind: 'fault' | 'event';
  readonly source: string;
  readonly detail: string;
}

/** Appends attempts and events; every write is a committed, synced transaction (synchronous=FULL). */
export class AuditLog {
  private readonly insert;
  private readonly insertEvent;
  constructor(db: Db) {
    this.insertEvent = db.prepare('INSERT INTO events (at, kind, source, detail) VALUES (@at, @kind, @source, @detail)');
    this.insert = db.prepare(
      `INSERT INTO attempts (at, outcome, reason, user_id, score, liveness, timings, yaw, pitch, roll, luminance, contrast, occlusion)
       VALUES (@at, @outcome, @reason, @userId, @score, @liveness, @timings, @yaw, @pitch, @roll, @luminance, @contrast, NULL)`,
    );
  }

  record(a: AttemptRecord): void {
    this.insert.run({ ...a, timings: JSON.stringify(a.timings) });
  }

  event(e: EventRecord): void {
    this.insertEvent.run(e);
  }
}
