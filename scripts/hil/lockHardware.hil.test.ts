import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { projectRoot } from '../../common/projectRoot.js';
import { createCamera } from '../../device/camera/createCamera.js';
import { GpiodLock } from '../../device/lock/gpiod/gpiodLock.js';
import { findLine, gpiodVersion, lineDriven } from '../../device/lock/gpiod/gpiodTools.js';
import { LockController } from '../../device/lock/lockController.js';
import { CLI } from '../../test/runCli.js';
import { hilLines, hilSkipReason } from './hilEnvironment.js';

const skip = hilSkipReason();
if (skip) console.warn(`SKIPPED the hardware-in-the-loop suite: ${skip}`);
const lines = hilLines();

/** Edges seen on the sense input, timestamped as they arrive (gpiomon with a pull-down bias). */
function watchSense(): { edges: { at: number; rising: boolean }[]; stop: () => void } {
  const version = gpiodVersion();
  const { chip, offset } = findLine(version, lines.sense, 'FACELOCK_HIL_SENSE');
  const args =
    version === 1 ? ['-B', 'pull-down', '-F', '%e', chip, String(offset)] : ['-c', chip, '-b', 'pull-down', '-F', '%e', String(offset)];
  const child = spawn('gpiomon', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const edges: { at: number; rising: boolean }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    for (const l of d.toString().split('\n').filter(Boolean)) edges.push({ at: Date.now(), rising: l.trim() === '1' });
  });
  return { edges, stop: () => child.kill('SIGTERM') };
}

const until = async (cond: () => boolean, ms: number) => {
  for (let t = 0; t < ms && !cond(); t += 10) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

const dir = mkdtempSync(join(tmpdir(), 'facelock-hil-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)('hardware in the loop: the relay on a Raspberry Pi', () => {
  it('pulses the relay for unlockMs (measured on the jumpered input)', async () => {
    const sense = watchSense();
    const driver = await GpiodLock.open({ line: lines.relay, activeLow: false }, silentLogger);
    const lock = new LockController(driver, { unlockMs: 500, maxUnlockMs: 2000 }, silentLogger);
    await new Promise((r) => setTimeout(r, 300));
    await lock.open();
    await until(() => sense.edges.some((e) => !e.rising), 3000);
    await driver.close();
    sense.stop();
    const on = sense.edges.find((e) => e.rising);
    const off = sense.edges.find((e) => !e.rising && e.at > (on?.at ?? 0));
    const ms = (off?.at ?? 0) - (on?.at ?? 0);
    console.log(`relay pulse measured on ${lines.sense}: ${ms} ms (configured 500)`);
    expect(ms).toBeGreaterThanOrEqual(480);
    expect(ms).toBeLessThan(900);
  });

  it("reads its relay line as driven in the Pi's own gpioinfo output while it holds it, and as free after close", async () => {
    const version = gpiodVersion();
    const address = findLine(version, lines.relay, 'FACELOCK_HIL_RELAY');
    const driver = await GpiodLock.open({ line: lines.relay, activeLow: false }, silentLogger);
    expect(await lineDriven(version, address), 'the positive check GpiodLock waits for').toBe(true);
    await driver.close();
    expect(await lineDriven(version, address)).toBe(false);
  });

  it('releases the relay within 1 s of SIGKILL of the process holding it', async () => {
    const sense = watchSense();
    const fixture = join(projectRoot(), 'test', 'fixtures', 'unlockAndWait.mjs'); // holds GPIO17: wire the relay there
    const child = spawn(process.execPath, [fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await until(() => sense.edges.some((e) => e.rising), 5000);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    expect(await until(() => sense.edges.some((e) => !e.rising && e.at >= killedAt), 1000)).toBe(true);
    sense.stop();
  });
});

describe.skipIf(skip !== undefined)('hardware in the loop: inputs and camera on a Raspberry Pi', () => {
  it('opens for the exit button and relocks when the door contact closes (daemon with gpiomon inputs)', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\ncamera: { kind: rpicam, framerate: 5 }\nlock: { driver: gpiod, line: ${lines.relay}, unlockMs: 20000, maxUnlockMs: 30000 }\ninputs: { driver: gpiod, exitButton: ${lines.exit}, doorContact: ${lines.contact}, activeLow: false, debounceMs: 20 }\n`,
      { mode: 0o600 },
    );
    await new Promise<void>((resolve) =>
      spawn(process.execPath, [CLI, '--key-file', join(dir, 'key'), 'key', 'init'], { stdio: 'ignore' }).on('close', () => resolve()),
    );
    const contact = await GpiodLock.open({ line: lines.contactDrive, activeLow: false }, silentLogger);
    await contact.unlock(); // door closed (contact input high)
    const button = await GpiodLock.open({ line: lines.exitDrive, activeLow: false }, silentLogger);
    const sense = watchSense();
    const daemon = spawn(process.execPath, [CLI, '--log-level', 'info', 'run', '--config', config], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(daemon);
    let out = '';
    daemon.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    expect(await until(() => out.includes('watching the door'), 60_000)).toBe(true);
    const pressed = Date.now();
    await button.unlock();
    await button.lock();
    expect(await until(() => sense.edges.some((e) => e.rising && e.at >= pressed), 1000)).toBe(true);
    await contact.lock(); // door opened
    await new Promise((r) => setTimeout(r, 300));
    const closed = Date.now();
    await contact.unlock(); // door closed again: relock
    expect(await until(() => sense.edges.some((e) => !e.rising && e.at >= closed), 1000)).toBe(true);
    daemon.kill('SIGTERM');
    await Promise.all([contact.close(), button.close()]);
    sense.stop();
  });

  it('gets frames from the Pi camera through rpicam-vid', async () => {
    const camera = createCamera({ kind: 'rpicam', width: 640, height: 480, framerate: 15 }, silentLogger);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 3000);
    let frames = 0;
    for await (const _ of camera.frames(stop.signal)) frames++;
    console.log(`rpicam-vid: ${frames} frames in 3 s`);
    expect(frames).toBeGreaterThan(20);
  });
});
