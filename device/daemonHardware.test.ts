import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoorFixture, readJsonLines, runUntil } from '../test/daemonFixture.js';
import { datasetForTests } from '../test/datasets.js';
import { fakeCameraEnv } from '../test/fakeCamera.js';
import { fakeGpioEnv } from '../test/fakeGpio.js';
import { runCli } from '../test/runCli.js';

const lfw = datasetForTests('lfw', 'the daemon with its hardware edges on lfw-dev');
const nuaa = datasetForTests('nuaa', 'the daemon with its hardware edges on a NUAA still scene');

interface LineEvent {
  at: number;
  pid: number;
  value?: number;
  event: string;
}

/** The first recorded line event matching `match`, waiting up to 3 s (the fake gpioset is a Node script: slow to start on a busy machine). */
async function lineEvent(state: string, match: (e: LineEvent) => boolean): Promise<LineEvent | undefined> {
  for (let waited = 0; waited < 3000; waited += 50) {
    const found = readJsonLines<LineEvent>(state).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

const ready = lfw && nuaa;
let f: DoorFixture;
beforeAll(async () => {
  if (!ready) return;
  f = await DoorFixture.create(lfw as string);
});
afterAll(() => {
  if (ready) f.cleanup();
});
const gpiodLock = 'lock: { driver: gpiod, line: GPIO17, unlockMs: 20000, maxUnlockMs: 30000 }';

describe.runIf(ready)('facelock run, end to end: camera and systemd through fakes on PATH', () => {
  it('runs with rpicam-vid spawned from PATH, survives a camera that dies and one that sends garbage, and locks on SIGTERM', async () => {
    // a camera dying mid-frame on the raw YUV420 stream (the default format); garbage between MJPEG frames
    for (const [mode, format] of [
      ['die-after:2', 'yuv420'],
      ['garbage', 'mjpeg'],
    ] as const) {
      const name = `rpicam-${mode.replace(':', '-')}`;
      const run = await runUntil(
        f.config(name, `camera: { kind: rpicam, framerate: 5, format: ${format} }\n`),
        fakeCameraEnv(join(f.dir, 'laura-door'), mode),
        'decision outcome=unlock',
      );
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(f.transitions(name).at(-1)?.state).toBe('locked');
      if (mode.startsWith('die')) expect(run.output()).toMatch(/camera process ended, restarting .*code=1/);
    }
  });

  it('on raw YUV420 frames from rpicam-vid, a still scene is never decoded: the motion gate reads the Y plane', async () => {
    const still = f.stillScene(nuaa as string, 'still-yuv', '0001', 10);
    const run = await runUntil(
      f.config('still-yuv', 'camera: { kind: rpicam, framerate: 20, format: yuv420 }\nmotion: { holdMs: 0, idleEvery: 1 }\n'),
      fakeCameraEnv(still),
      'watching the door',
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const stopped =
      run
        .output()
        .split('\n')
        .find((l) => l.includes(' stopped ')) ?? '';
    const runs = (stage: string) => Number(stopped.match(new RegExp(`runs\\.${stage}=(\\d+)`))?.[1] ?? 0);
    expect(runs('motion')).toBeGreaterThanOrEqual(10);
    expect(runs('decode')).toBeLessThanOrEqual(1); // the first frame counts as motion
    expect(stopped).toMatch(/reason\.no_motion=\d+/);
  });

  it('tells systemd it is ready, its status, and pings the watchdog while frames flow', async () => {
    const { createSocket } = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(t: 'unix_dgram', cb: (msg: Buffer) => void): { bind(p: string): void; close(): void };
    };
    const socketPath = join(f.dir, 'notify.sock');
    const messages: string[] = [];
    const receiver = createSocket('unix_dgram', (msg) => messages.push(msg.toString()));
    receiver.bind(socketPath);
    try {
      const env = { ...process.env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '300000' };
      const r = await runCli(
        ['run', '--config', f.config('notify', `camera: { kind: replay, source: ${join(f.dir, 'impostor-door')}, framerate: 4 }\n`)],
        { env },
      );
      expect(r.code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(messages[0]).toMatch(/^READY=1\nSTATUS=watching the door: 1 user\(s\) enrolled/);
      expect(messages.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(2);
      expect(messages.at(-1)).toBe('STOPPING=1');
    } finally {
      receiver.close();
    }
  });

  it('drives the GPIO relay active through gpioset on unlock (fake libgpiod v2 on PATH), and releases it within 1 s of SIGKILL', async () => {
    const state = join(f.dir, 'gpio.jsonl');
    const file = f.config('gpio', `camera: { kind: replay, source: ${join(f.dir, 'laura-door')}, framerate: 5, loop: true }\n`, gpiodLock);
    const run = await runUntil(file, fakeGpioEnv(2, { FAKE_GPIO_STATE: state }), 'decision outcome=unlock');
    const active = await lineEvent(state, (e) => e.event === 'set' && e.value === 1);
    expect(active).toBeDefined();
    const killedAt = Date.now();
    run.child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const released = readJsonLines<LineEvent>(state).find((e) => e.event === 'release' && e.pid === active?.pid);
    expect(released, 'the relay line is released').toBeDefined();
    expect((released?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(1000);
  });
});

describe.runIf(ready)('facelock run, end to end: GPIO relay faults and the door inputs through fakes on PATH', () => {
  it('drives the relay inactive and writes the fault to the audit log when gpioset dies; releases it when the watchdog aborts the daemon', async () => {
    const state = join(f.dir, 'gpio-fault.jsonl');
    const file = f.config(
      'gpio-fault',
      `camera: { kind: replay, source: ${join(f.dir, 'laura-door')}, framerate: 5, loop: true }\n`,
      gpiodLock,
    );
    const env = fakeGpioEnv(2, { FAKE_GPIO_STATE: state });
    // the decision is audited before the relay moves: wait until the relay is confirmed driven
    const run = await runUntil(file, env, 'door unlocked: the relay is driven');
    const active = await lineEvent(state, (e) => e.event === 'set' && e.value === 1);
    if (!active) run.child.kill('SIGKILL');
    expect(active).toBeDefined();
    process.kill(active?.pid as number, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 800));
    const after = readJsonLines<LineEvent>(state).filter((e) => e.at > (active?.at ?? 0) && e.event === 'set');
    // the first drive after the holder died is inactive, by a new holder (later unlocks of the looping replay may follow)
    expect(after[0]?.value, 'a new holder drives the line inactive').toBe(0);
    expect(after[0]?.pid).not.toBe(active?.pid);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(f.events()).toContainEqual(
      expect.objectContaining({ kind: 'fault', source: 'facelock:lock', detail: expect.stringMatching(/gpioset exited unexpectedly/) }),
    );
    // systemd's watchdog ends a hung daemon with SIGABRT: the holder sees its stdin close and lets the line go
    const started = Date.now();
    const hung = await runUntil(file, env, 'decision outcome=unlock');
    try {
      const holder = await lineEvent(state, (e) => e.event === 'set' && e.value === 1 && e.at >= started);
      expect(holder).toBeDefined();
      const abortedAt = Date.now();
      hung.child.kill('SIGABRT');
      await hung.exited;
      const released = await lineEvent(state, (e) => e.event === 'release' && e.pid === holder?.pid);
      expect((released?.at ?? Number.POSITIVE_INFINITY) - abortedAt).toBeLessThan(1000);
    } finally {
      hung.child.kill('SIGKILL');
    }
  });

  it('opens for the exit button and relocks as soon as the door contact closes (fake gpioset and gpiomon)', async () => {
    const state = join(f.dir, 'inputs-gpio.jsonl');
    const events = join(f.dir, 'inputs-events.txt');
    // exit button pressed at 1.5 s; the door opens at 2.0 s and closes at 2.6 s (offsets 23 and 22, logical edges)
    writeFileSync(events, ['1500 23 rising', '100 23 falling', '400 22 falling', '600 22 rising'].join('\n'));
    const still = f.stillScene(nuaa as string, 'inputs-still', '0002', 60);
    const file = f.config(
      'inputs',
      `inputs: { driver: gpiod, doorContact: GPIO22, exitButton: GPIO23 }\ncamera: { kind: replay, source: ${still}, framerate: 15 }\nmotion: { holdMs: 0 }\n`,
      gpiodLock,
    );
    const r = await runCli(['run', '--config', file], { env: fakeGpioEnv(2, { FAKE_GPIO_STATE: state, FAKE_GPIO_EVENTS: events }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/exit button: unlocked/);
    expect(r.stdout).toMatch(/door closed: relocked/);
    const lines = readJsonLines<LineEvent>(state);
    const on = lines.find((e) => e.event === 'set' && e.value === 1);
    const offAfter = lines.find((e) => e.event === 'set' && e.value === 0 && e.at > (on?.at ?? 0));
    expect(on && offAfter).toBeTruthy();
    expect((offAfter?.at ?? 0) - (on?.at ?? 0)).toBeLessThan(2000); // relocked by the contact, not by the 20 s pulse
    expect(f.attempts().some((a) => a.outcome === 'unlock' && a.reason === 'exit_button')).toBe(true);
  });
});
