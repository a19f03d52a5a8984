import { bootId, monotonicMs } from '../../common/monotonicClock.js';
import { type Db, unavailable } from './database.js';

/** A throttle's state: consecutive failures, and when its delay ends on this boot's monotonic clock (ms), if it runs. */
export interface ThrottleSnapshot {
  readonly failures: number;
  readonly untilMono: number | null;
}

/** The clocks a throttle is kept on: the monotonic one and the boot it belongs to. */
export interface ThrottleClock {
  readonly mono: () => number;
  readonly boot: () => string | null;
}

const SYSTEM_CLOCK: ThrottleClock = { mono: monotonicMs, boot: bootId };

interface ThrottleRow {
  name: string;
  failures: number;
  boot_id: string | null;
  until_mono: number | null;
  remaining_ms: number;
  updated_at: string;
}

/**
 * The lockouts' state in the database, so a restart (a crash, a dead camera, a full disk) keeps them. Deadlines are
 * kept on the monotonic clock, which no wall-clock step moves; after a reboot, whose monotonic clock starts again, a
 * delay resumes with all the time it had left when it was last written (a reboot never shortens a lockout).
 */
export class ThrottleStore {
  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly clock: ThrottleClock = SYSTEM_CLOCK,
  ) {}

  load(name: string): ThrottleSnapshot {
    const row = this.db.prepare('SELECT * FROM throttles WHERE name = ?').get(name) as ThrottleRow | undefined;
    if (!row) return { failures: 0, untilMono: null };
    const now = this.clock.mono();
    const boot = this.clock.boot();
    if (row.until_mono !== null && boot !== null && row.boot_id === boot) {
      // the same boot: the deadline is on this clock; it can only be nearer than what was left when it was written
      return { failures: row.failures, untilMono: Math.min(row.until_mono, now + row.remaining_ms) };
    }
    return { failures: row.failures, untilMono: row.remaining_ms > 0 ? now + row.remaining_ms : null };
  }

  /** Writes a throttle's state; a store fault (a full disk) is thrown as a StoreError that says so. */
  save(name: string, s: ThrottleSnapshot): void {
    const now = this.clock.mono();
    const remaining = s.untilMono === null ? 0 : Math.max(0, s.untilMono - now);
    try {
      this.db
        .prepare(
          `INSERT INTO throttles (name, failures, boot_id, until_mono, remaining_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, boot_id = excluded.boot_id,
             until_mono = excluded.until_mono, remaining_ms = excluded.remaining_ms, updated_at = excluded.updated_at`,
        )
        .run(name, s.failures, this.clock.boot(), s.untilMono, remaining, new Date().toISOString());
    } catch (err) {
      throw unavailable(this.file, err);
    }
  }

  /** Every throttle with its failures and the seconds its delay has left (for `facelock lockout show`). */
  list(): { name: string; failures: number; remainingSeconds: number; updatedAt: string }[] {
    const rows = this.db.prepare('SELECT name, updated_at FROM throttles ORDER BY name').all() as Pick<
      ThrottleRow,
      'name' | 'updated_at'
    >[];
    const now = this.clock.mono();
    return rows.map((r) => {
      const s = this.load(r.name);
      const left = s.untilMono === null ? 0 : Math.max(0, s.untilMono - now);
      return { name: r.name, failures: s.failures, remainingSeconds: Math.ceil(left / 1000), updatedAt: r.updated_at };
    });
  }

  /** Forgets every throttle (the owner's `facelock lockout clear`, with the daemon stopped). Returns how many there were. */
  clear(): number {
    try {
      return this.db.prepare('DELETE FROM throttles').run().changes;
    } catch (err) {
      throw unavailable(this.file, err);
    }
  }
}
