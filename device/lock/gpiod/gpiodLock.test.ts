import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockError } from '../../../common/errors.js';
import { createLogger, silentLogger } from '../../../common/logger.js';
import { projectRoot } from '../../../common/projectRoot.js';
import { fakeGpioEnv } from '../../../test/fakeGpio.js';
import { LockController } from '../lockController.js';
import { GpiodLock } from './gpiodLock.js';

interface LineEvent {
  at: number;
  pid: number;
  offset: number;
  value?: number;
  event: 'set' | 'release';
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Puts the fake libgpiod tools first on PATH, as generation `version`, recording to a fresh state file. */
function fakeGpio(version: 1 | 2, extra: Record<string, string> = {}): string {
  const state = join(mkdtempSync(join(tmpdir(), 'facelock-gpio-')), 'lines.jsonl');
  process.env = fakeGpioEnv(version, { FAKE_GPIO_STATE: state, ...extra }, saved);
  return state;
}
const events = (state: string): LineEvent[] =>
  existsSync(state)
    ? readFileSync(state, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LineEvent)
    : [];

/** The line's driven value over time: set events change it, a release makes it undriven (null). */
function levels(state: string): (number | null)[] {
  const byPid = new Map<number, number>();
  const out: (number | null)[] = [];
  for (const e of events(state)) {
    if (e.event === 'set') byPid.set(e.pid, e.value ?? -1);
    else byPid.delete(e.pid);
    const live = [...byPid.values()];
    out.push(live.length ? (live.at(-1) as number) : null);
  }
  return out;
}

for (const version of [1, 2] as const) {
  describe(`GpiodLock with libgpiod v${version} tools (fakes on PATH)`, () => {
    it('holds the relay line inactive from the start and pulses it active for unlockMs', async () => {
      const state = fakeGpio(version);
      const lock = await GpiodLock.open({ line: 'GPIO17', activeLow: false }, silentLogger);
      expect(levels(state)).toEqual([0]);
      const controller = new LockController(lock, { unlockMs: 300, maxUnlockMs: 2000 }, silentLogger);
      await controller.open();
      const opened = Date.now();
      await wait(700);
      await lock.close();
      expect(levels(state)).toEqual([0, null, 1, null, 0, null]);
      const ev = events(state);
      const on = ev.find((e) => e.event === 'set' && e.value === 1) as LineEvent;
      const off = ev.find((e) => e.event === 'release' && e.pid === on.pid) as LineEvent;
      console.log(`v${version}: relay active for ${off.at - on.at} ms, ${off.at - opened} ms of them after the unlock (configured 300)`);
      // unlock resolves only once the line is driven, and the pulse counts from there
      expect(on.at).toBeLessThanOrEqual(opened);
      expect(off.at - opened).toBeGreaterThanOrEqual(280);
      expect(off.at - opened).toBeLessThan(450);
    });

    it('waits for a slow holder to drive the line, and fails secure when none does in time', async () => {
      const state = fakeGpio(version, { FAKE_GPIO_START_MS: '500' });
      const lock = await GpiodLock.open({ line: 'GPIO17', activeLow: false }, silentLogger);
      expect(levels(state), 'open returned only once the line was driven').toEqual([0]);
      await lock.close();
      const slow = fakeGpio(version, { FAKE_GPIO_START_MS: '1500' });
      const err = await GpiodLock.open({ line: 'GPIO17', activeLow: false, driveTimeoutMs: 300 }, silentLogger).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockError);
      expect((err as Error).message).toMatch(/could not drive GPIO17 inactive: gpioinfo did not show the line driven within 300 ms/);
      await wait(1500);
      expect(levels(slow), 'the late holder was killed before it drove the line').toEqual([]);
    });

    it('releases the relay within 1 s when the daemon is SIGKILLed mid-unlock', async () => {
      const state = fakeGpio(version);
      const child = spawn(process.execPath, [join(projectRoot(), 'test', 'fixtures', 'unlockAndWait.mjs')], {
        env: process.env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('unlocked') && resolve()));
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await wait(1000);
      const active = events(state).find((e) => e.event === 'set' && e.value === 1) as LineEvent;
      const released = events(state).find((e) => e.event === 'release' && e.pid === active.pid);
      expect(released, 'the active holder released the line').toBeDefined();
      expect((released as LineEvent).at - killedAt).toBeLessThan(1000);
      expect(levels(state).at(-1)).toBeNull();
    });

    it('refuses a wrong line name and a busy line with clear errors, leaving the relay undriven', async () => {
      fakeGpio(version);
      await expect(GpiodLock.open({ line: 'GPIO99', activeLow: false }, silentLogger)).rejects.toThrow(/no GPIO line named GPIO99/);
      const state = fakeGpio(version, { FAKE_GPIO_BUSY: '17' });
      const err = await GpiodLock.open({ line: 'GPIO17', activeLow: false }, silentLogger).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockError);
      expect((err as Error).message).toMatch(
        /could not drive GPIO17 inactive: gpioset: error setting the GPIO line values: Device or resource busy/,
      );
      expect(levels(state).filter((v) => v === 1)).toHaveLength(0);
    });

    it('drives the relay inactive again when its gpioset dies, and says so', async () => {
      const state = fakeGpio(version);
      const lines: string[] = [];
      const lock = await GpiodLock.open({ line: 'GPIO17', activeLow: false }, createLogger({ level: 'info', write: (l) => lines.push(l) }));
      await lock.unlock();
      const active = events(state).find((e) => e.event === 'set' && e.value === 1) as LineEvent;
      process.kill(active.pid, 'SIGKILL');
      await wait(600);
      expect(lines.some((l) => l.includes('gpioset exited unexpectedly: driving the relay inactive again'))).toBe(true);
      expect(events(state).at(-1)).toMatchObject({ event: 'set', value: 0 });
      await lock.close();
    });
  });
}
