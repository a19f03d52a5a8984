import type { Db } from './database.js';
import { unavailable } from './database.js';
import type { SealedTemplate } from './templateCipher.js';

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
  /** Side light: (right - left) / mean face luminance. */
  readonly lightSide?: number | null;
  /** 'colour', or 'mono' for a grey or infrared (night mode) picture. */
  readonly colourMode?: 'colour' | 'mono' | null;
  /** The approach's best frame (JPEG), kept sealed only when frame retention is on. */
  readonly frame?: Buffer;
  /** The door (several doors, one household: each keeps its own log, the event stream joins them). */
  readonly door?: string | null;
  /** How: face, exit_button, remote, schedule. */
  readonly method?: string | null;
  /** The event type the door published (granted_face, denied, spoof, ...). */
  readonly eventType?: string | null;
  /** The liveness and match decisions (null where the approach never got that far); never a vector. */
  readonly live?: boolean | null;
  readonly matched?: boolean | null;
  /** The alarms active when it happened (comma-separated, empty when none). */
  readonly alarms?: string | null;
}

/** The audit row of a door event that is no face (exit button, remote command, tamper): no score, no conditions. */
export function doorEventAttempt(outcome: 'unlock' | 'reject', reason: string, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    at: new Date().toISOString(),
    outcome,
    reason,
    userId: null,
    score: null,
    liveness: null,
    timings: {},
    yaw: null,
    pitch: null,
    roll: null,
    luminance: null,
    contrast: null,
    ...extra,
  };
}

/** A fault or a door event (lock, camera, inputs, tamper): its kind, where it came from, and the log line's text. */
export interface EventRecord {
  readonly at: string;
  readonly kind: 'fault' | 'event' | 'alarm';
  readonly source: string;
  readonly detail: string;
}

/** Seals and opens retained frames with the store's key, bound to their attempt. */
export interface FrameSealer {
  seal(attemptId: number, jpeg: Buffer): SealedTemplate;
  open(attemptId: number, sealed: SealedTemplate): Buffer;
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
  readonly lightSide: number | null;
  readonly colourMode: 'colour' | 'mono' | null;
  readonly label: 'genuine' | 'impostor' | null;
  /** Who the owner said a genuine attempt was (a false reject has no matched user). */
  readonly labelledUser: string | null;
  readonly door: string | null;
  readonly method: string | null;
  readonly eventType: string | null;
  readonly alarms: string | null;
}

/** Appends attempts and events; every write is a committed, synced transaction (synchronous=FULL). */
export class AuditLog {
  private readonly insert;
  private readonly insertEvent;
  constructor(
    private readonly db: Db,
    /** Seals a frame for an attempt id; absent when frame retention is off (frames are then never stored). */
    private readonly frames?: FrameSealer,
  ) {
    this.insertEvent = db.prepare('INSERT INTO events (at, kind, source, detail) VALUES (@at, @kind, @source, @detail)');
    this.insert = db.prepare(
      `INSERT INTO attempts (at, outcome, reason, user_id, score, liveness, timings, yaw, pitch, roll, luminance, contrast, occlusion,
         pose_bin, local_hour, face_size, sharpness, clipped, light_side, colour_mode, door, method, event_type, live, matched, alarms)
       VALUES (@at, @outcome, @reason, @userId, @score, @liveness, @timings, @yaw, @pitch, @roll, @luminance, @contrast, @occlusion,
         @poseBin, @localHour, @faceSize, @sharpness, @clipped, @lightSide, @colourMode, @door, @method, @eventType, @live, @matched, @alarms)`,
    );
  }

  record(a: AttemptRecord): void {
    const { frame, ...row } = a;
    const write = () => {
      const id = Number(
        this.insert.run({
          occlusion: null,
          poseBin: null,
          localHour: null,
          faceSize: null,
          sharpness: null,
          clipped: null,
          lightSide: null,
          colourMode: null,
          door: null,
          method: null,
          eventType: null,
          alarms: null,
          ...row,
          live: a.live === undefined || a.live === null ? null : a.live ? 1 : 0,
          matched: a.matched === undefined || a.matched === null ? null : a.matched ? 1 : 0,
          timings: JSON.stringify(a.timings),
        }).lastInsertRowid,
      );
      if (frame && this.frames) {
        const s = this.frames.seal(id, frame);
        this.db
          .prepare('INSERT INTO frames (attempt_id, at, key_id, iv, ciphertext, tag) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, a.at, s.keyId, s.iv, s.ciphertext, s.tag);
      }
    };
    try {
      this.db.transaction(write)();
    } catch (err) {
      throw unavailable(this.db.name, err);
    }
  }

  /** A fault or door event; a store fault (a full disk) is thrown as a StoreError that says what to do. */
  event(e: EventRecord): void {
    try {
      this.insertEvent.run(e);
    } catch (err) {
      throw unavailable(this.db.name, err);
    }
  }

  /** The door's alarms raised and cleared since a time (ISO), oldest first. */
  alarmsSince(since: string): { at: string; detail: string }[] {
    return this.db.prepare("SELECT at, detail FROM events WHERE kind = 'alarm' AND at >= ? ORDER BY at, id").all(since) as {
      at: string;
      detail: string;
    }[];
  }

  /** Attempts since a time (ISO), oldest first, with the user's name: what coverage and drift read. */
  attemptsSince(since: string): AttemptRow[] {
    return this.db
      .prepare(
        `SELECT a.id, a.at, a.outcome, a.reason, a.user_id AS userId, u.name AS userName, a.score, a.yaw, a.pitch, a.roll, a.luminance,
           a.contrast, a.occlusion, a.pose_bin AS poseBin, a.local_hour AS localHour, a.face_size AS faceSize, a.sharpness, a.clipped, a.light_side AS lightSide, a.colour_mode AS colourMode, a.label, a.door, a.method, a.event_type AS eventType, a.alarms,
           lu.name AS labelledUser
         FROM attempts a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN users lu ON lu.id = a.labelled_user_id WHERE a.at >= ? ORDER BY a.at, a.id`,
      )
      .all(since) as AttemptRow[];
  }

  /** The owner's word on an attempt: a false reject labelled genuine becomes training data. */
  label(id: number, label: 'genuine' | 'impostor', userId: number | null = null): boolean {
    return this.db.prepare('UPDATE attempts SET label = ?, labelled_user_id = ? WHERE id = ?').run(label, userId, id).changes === 1;
  }

  /** Retained frames of attempts since a time, opened (for an export the owner asked for). */
  framesSince(since: string): { attemptId: number; jpeg: Buffer }[] {
    if (!this.frames) return [];
    const rows = this.db
      .prepare('SELECT attempt_id AS id, key_id, iv, ciphertext, tag FROM frames WHERE at >= ? ORDER BY attempt_id')
      .all(since) as {
      id: number;
      key_id: string;
      iv: Buffer;
      ciphertext: Buffer;
      tag: Buffer;
    }[];
    const sealer = this.frames;
    return rows.map((r) => ({
      attemptId: r.id,
      jpeg: sealer.open(r.id, { iv: r.iv, ciphertext: r.ciphertext, tag: r.tag, keyId: r.key_id }),
    }));
  }

  /** Deletes retained frames older than `before`; returns how many. */
  purgeFramesBefore(before: string): number {
    return this.db.prepare('DELETE FROM frames WHERE at < ?').run(before).changes;
  }

  /** Deletes attempts and events older than `before` (ISO); returns how many rows went. */
  purgeBefore(before: string): number {
    const a = this.db.prepare('DELETE FROM attempts WHERE at < ?').run(before).changes;
    const e = this.db.prepare('DELETE FROM events WHERE at < ?').run(before).changes;
    return a + e;
  }
}
