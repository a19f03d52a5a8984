import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockoutPolicy } from '../door/lockoutPolicy.js';
import { CodeAttempts } from '../mqtt/codeAttempts.js';
import { openDatabase } from './database.js';
import { type ThrottleClock, ThrottleStore } from './throttleStore.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'facelock-throttle-'));
  file = join(dir, 'facelock.db');
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A machine's clocks: the monotonic clock in ms, and the boot it belongs to. */
function machine(boot = 'boot-1', mono = 1_000_000): ThrottleClock & { mono: () => number; advance(ms: number): void; reboot(): void } {
  let t = mono;
  let b = boot;
  return {
    mono: () => t,
    boot: () => b,
    advance(ms) {
      t += ms;
    },
    reboot() {
      b = `${b}'`;
      t = 5000; // a new boot's monotonic clock starts near zero
    },
  };
}

/** A daemon run: the door's lockout as the database has it (maxFailures 5, 30 s). */
function daemonRun(clock: ThrottleClock) {
  const db = openDatabase(file);
  const store = new ThrottleStore(db, file, clock);
  const lockout = new LockoutPolicy({ maxFailures: 5, lockoutMs: 30_000 }, store.load('face'), (s) => store.save('face', s));
  return { db, store, lockout };
}

describe('lockouts that hold: kept in the database, timed on the monotonic clock', () => {
  it('keeps the failure count and the lockout across a restart', () => {
    const clock = machine();
    const first = daemonRun(clock);
    for (let i = 0; i < 5; i++) first.lockout.recordFailure(clock.mono());
    expect(first.lockout.lockedOutUntil(clock.mono())).toBe(1_030_000);
    first.db.close(); // the daemon is killed
    clock.advance(10_000);
    const second = daemonRun(clock);
    expect(second.lockout.consecutiveFailures).toBe(5);
    expect(second.lockout.remainingMs(clock.mono())).toBe(20_000);
    // one more failure after the restart doubles the delay, as it would have without the restart
    clock.advance(20_000);
    second.lockout.recordFailure(clock.mono());
    expect(second.lockout.remainingMs(clock.mono())).toBe(60_000);
    second.lockout.recordSuccess();
    second.db.close();
    expect(daemonRun(clock).lockout.consecutiveFailures).toBe(0);
  });

  it('is not moved by a wall-clock step either way', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T12:00:00Z'));
    const clock = machine();
    const run = daemonRun(clock);
    for (let i = 0; i < 5; i++) run.lockout.recordFailure(clock.mono());
    run.db.close();
    for (const step of [3_600_000, -86_400_000]) {
      vi.setSystemTime(new Date(Date.now() + step));
      const again = daemonRun(clock);
      expect(again.lockout.remainingMs(clock.mono())).toBe(30_000);
      again.db.close();
    }
  });

  it('resumes a delay with the time it had left after a reboot, whose monotonic clock starts again', () => {
    const clock = machine();
    const run = daemonRun(clock);
    for (let i = 0; i < 6; i++) run.lockout.recordFailure(clock.mono());
    clock.advance(15_000);
    run.lockout.recordFailure(clock.mono()); // 7 failures: 120 s from now
    run.db.close();
    clock.reboot();
    const after = daemonRun(clock);
    expect(after.lockout.consecutiveFailures).toBe(7);
    expect(after.lockout.remainingMs(clock.mono())).toBe(120_000);
  });
});

describe('the wrong-code throttle, and a full disk', () => {
  it('keeps the wrong-code count too, so a restart gives no fresh guesses', () => {
    const clock = machine();
    const db = openDatabase(file);
    const store = new ThrottleStore(db, file, clock);
    const codes = new CodeAttempts(undefined, store.load('code'), (s) => store.save('code', s));
    for (let i = 0; i < 100; i++) codes.failure(clock.mono());
    db.close();
    const db2 = openDatabase(file);
    const store2 = new ThrottleStore(db2, file, clock);
    const restarted = new CodeAttempts(undefined, store2.load('code'));
    expect(restarted.check(clock.mono())).toMatchObject({ allowed: false, retryInMs: null });
    expect(store2.list().map((t) => [t.name, t.failures])).toEqual([['code', 100]]);
    expect(store2.clear()).toBe(1);
    expect(new CodeAttempts(undefined, store2.load('code')).check(clock.mono())).toEqual({ allowed: true });
    db2.close();
  });

  it('says the disk is full when the state cannot be written, and the lockout still holds in memory', () => {
    const clock = machine();
    const db = openDatabase(file);
    const store = new ThrottleStore(db, file, clock);
    // a real SQLITE_FULL: the database may grow by no page, and its pages are filled first
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 1}`);
    const fill = db.prepare(`INSERT INTO throttles VALUES (?, 0, NULL, NULL, 0, ?)`);
    let i = 0;
    for (const size of [500, 50, 1])
      try {
        for (;;) fill.run(`pad-${i++}`, 'x'.repeat(size));
      } catch (err) {
        expect((err as { code?: string }).code).toBe('SQLITE_FULL');
      }
    const errors: string[] = [];
    const lockout = new LockoutPolicy({ maxFailures: 1, lockoutMs: 30_000 }, store.load('face'), (s) => {
      try {
        store.save('face', s);
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    for (let i = 0; i < 50 && errors.length === 0; i++) lockout.recordFailure(clock.mono());
    expect(errors[0]).toMatch(/disk is full; free space and retry/);
    expect(lockout.lockedOutUntil(clock.mono())).toBeDefined();
    db.close();
  });
});
