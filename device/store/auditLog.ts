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
  /** 1 - FaceMesh confidence: rises when part of the face is hidden (the occlusion proxy). */
  readonly occlusion?: number | null;
  readonly poseBin?: string | null;
  /** Hour of the day at the door (local time), for the light-by-time-of-day map. */
  readonly localHour?: number | null;
  readonly faceSize?: number | null;
  readonly sharpness?: number | null;
  readonly clipped?: number | null;
}

/** A fault or a door event (lock, camera, inputs, tamper): its kind, where it came from, and the log line's text. */
export interface EventRecord {
  readonly at: string;
  readonly kind: 'fault' | 'event';
  readonly source: string;
  readonly detail: string;
}

/** An attempt as coverage and drift read it. */
export interface AttemptRow {
  readonly id: number;
  readonly at: string;
  readonly outcome: 'unlock' | 'reject';
  readonly reason: string | null;
  readonly userId: number | null;
  readonly userName: string | null;
  readonly score: number | null;
  readonly yaw: number | null;
  readonly pitch: number | null;
  readonly roll: number | null;
  readonly luminance: number | null;
  readonly contrast: number | null;
  readonly occlusion: number | null;
  readonly poseBin: string | null;
  readonly localHour: number | null;
  readonly faceSize: number | null;
  readonly sharpness: number | null;
  readonly clipped: number | null;
  readonly label: 'genuine' | 'impostor' | null;
}

/** Appends attempts and events; every write is a committed, synced transaction (synchronous=FULL). */
export class AuditLog {
  private readonly insert;
  private readonly insertEvent;
  constructor(private readonly db: Db) {
    this.insertEvent = db.prepare('INSERT INTO events (at, kind, source, detail) VALUES (@at, @kind, @source, @detail)');
    this.insert = db.prepare(
      `INSERT INTO attempts (at, outcome, reason, user_id, score, liveness, timings, yaw, pitch, roll, luminance, contrast, occlusion,
         pose_bin, local_hour, face_size, sharpness, clipped)
       VALUES (@at, @outcome, @reason, @userId, @score, @liveness, @timings, @yaw, @pitch, @roll, @luminance, @contrast, @occlusion,
         @poseBin, @localHour, @faceSize, @sharpness, @clipped)`,
    );
  }

  record(a: AttemptRecord): void {
    this.insert.run({
      occlusion: null,
      poseBin: null,
      localHour: null,
      faceSize: null,
      sharpness: null,
      clipped: null,
      ...a,
      timings: JSON.stringify(a.timings),
    });
  }

  event(e: EventRecord): void {
    this.insertEvent.run(e);
  }

  /** Attempts since a time (ISO), oldest first, with the user's name: what coverage and drift read. */
  attemptsSince(since: string): AttemptRow[] {
    return this.db
      .prepare(
        `SELECT a.id, a.at, a.outcome, a.reason, a.user_id AS userId, u.name AS userName, a.score, a.yaw, a.pitch, a.roll, a.luminance,
           a.contrast, a.occlusion, a.pose_bin AS poseBin, a.local_hour AS localHour, a.face_size AS faceSize, a.sharpness, a.clipped, a.label
         FROM attempts a LEFT JOIN users u ON u.id = a.user_id WHERE a.at >= ? ORDER BY a.at, a.id`,
      )
      .all(since) as AttemptRow[];
  }

  /** The owner's word on an attempt: a false reject labelled genuine becomes training data. */
  label(id: number, label: 'genuine' | 'impostor'): boolean {
    return this.db.prepare('UPDATE attempts SET label = ? WHERE id = ?').run(label, id).changes === 1;
  }

  /** Deletes attempts and events older than `before` (ISO); returns how many rows went. */
  purgeBefore(before: string): number {
    const a = this.db.prepare('DELETE FROM attempts WHERE at < ?').run(before).changes;
    const e = this.db.prepare('DELETE FROM events WHERE at < ?').run(before).changes;
    return a + e;
  }
}
