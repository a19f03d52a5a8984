import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { FAKES_BIN, fakeCameraEnv } from '../test/fakeCamera.js';
import { lfwFolder } from '../test/lfwFolders.js';
import { CLI, runCli } from '../test/runCli.js';

const lfw = datasetForTests('lfw', 'the daemon end to end on lfw-dev');
const nuaa = datasetForTests('nuaa', 'the daemon against a NUAA printed-photo attack');

interface Transition {
  at: number;
  state: 'locked' | 'unlocked';
}

describe.runIf(lfw && nuaa)('facelock run, end to end (real process, real photos, simulated lock)', () => {
  let dir: string;
  let base: string[];
  const lockFile = (name: string) => join(dir, `${name}.lock.jsonl`);
  const transitions = (name: string): Transition[] =>
    existsSync(lockFile(name))
      ? readFileSync(lockFile(name), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Transition)
      : [];
  /** Writes a config for this test's state, key and simulated lock file, with `extra` YAML appended. */
  const config = (name: string, extra: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\nlock: { driver: sim, simFile: ${lockFile(name)}, unlockMs: 500 }\n${extra}`,
    );
    return file;
  };
  const attempts = () => {
    const db = new Database(join(dir, 'state', 'facelock.db'), { readonly: true });
    const rows = db.prepare('SELECT outcome, reason, user_id, score, timings FROM attempts ORDER BY id').all() as {
      outcome: string;
      reason: string | null;
      user_id: number | null;
      timings: string;
    }[];
    db.close();
    return rows;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facelock-daemon-'));
    base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
    expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
    const enrolled = await runCli([
      ...base,
      'enroll',
      'add',
      'laura',
      '--images',
      lfwFolder(lfw as string, join(dir, 'laura'), 'Laura_Bush', [1, 3, 5, 6, 9, 10, 11]),
    ]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    lfwFolder(lfw as string, join(dir, 'laura-door'), 'Laura_Bush', [20, 21, 22, 23, 24, 25]);
    lfwFolder(lfw as string, join(dir, 'impostor-door'), 'Jennifer_Capriati', [1, 2, 3, 4, 5, 6]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens for an enrolled person's other photos: a pulse on the lock, one decision line, one audit row", async () => {
    const r = await runCli([
      'run',
      '--config',
      config('laura', `camera: { kind: replay, source: ${join(dir, 'laura-door')}, framerate: 5 }\n`),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/decision outcome=unlock user=laura .*detectMs=.*embedMs=/);
    // one pulse: locked, then unlocked once, then locked (the pulse and the shutdown may both lock)
    const states = transitions('laura').map((x) => x.state);
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual(['locked', 'unlocked', 'locked']);
    expect(attempts().at(-1)).toMatchObject({ outcome: 'unlock', reason: null, user_id: 1 });
  });

  it('stays shut for an enrolled person outside their schedule, and says why', async () => {
    const closed = `schedules:\n  laura: [{ days: [sun, mon, tue, wed, thu, fri, sat], from: '00:00', to: '00:00' }]\n`;
    const r = await runCli([
      'run',
      '--config',
      config('schedule', `camera: { kind: replay, source: ${join(dir, 'laura-door')}, framerate: 5 }\n${closed}`),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/decision outcome=reject user=null bestUser=laura .*reason=outside_schedule/);
    expect(transitions('schedule').every((x) => x.state === 'locked')).toBe(true);
  });

  it('stays shut for an impostor and logs the rejection with its reason', async () => {
    const r = await runCli([
      'run',
      '--config',
      config('impostor', `camera: { kind: replay, source: ${join(dir, 'impostor-door')}, framerate: 5 }\n`),
    ]);
    expect(r.code).toBe(0);
    expect(transitions('impostor').every((x) => x.state === 'locked')).toBe(true);
    expect(r.stdout).toMatch(/decision outcome=reject user=null bestUser=laura score=0\.\d+ .*reason=no_match/);
    expect(attempts().at(-1)).toMatchObject({ outcome: 'reject', reason: 'no_match', user_id: null });
  });

  it('keeps the networks asleep on a static scene', async () => {
    const still = join(dir, 'still');
    mkdirSync(still);
    const frame = join(nuaa as string, 'ClientRaw', '0001', readdirSync(join(nuaa as string, 'ClientRaw', '0001')).sort()[0] as string);
    for (let i = 0; i < 40; i++) symlinkSync(frame, join(still, `f${String(i).padStart(2, '0')}.jpg`));
    const r = await runCli([
      'run',
      '--config',
      config('still', `camera: { kind: replay, source: ${still}, framerate: 20 }\nmotion: { holdMs: 0 }\n`),
    ]);
    expect(r.code).toBe(0);
    const runs = (stage: string) => Number(r.stdout.match(new RegExp(`runs\\.${stage}=(\\d+)`))?.[1] ?? 0);
    expect(runs('motion')).toBe(40);
    expect(runs('detect')).toBeLessThanOrEqual(1); // the first frame only
    expect(r.stdout).toMatch(/reason\.no_motion=39/);
  });

  it('runs with rpicam-vid spawned from PATH, survives a camera that dies and one that sends garbage, and locks on SIGTERM', async () => {
    for (const mode of ['die-after:2', 'garbage']) {
      const name = `rpicam-${mode.replace(':', '-')}`;
      const file = config(name, 'camera: { kind: rpicam, framerate: 5 }\n');
      const child = spawn(process.execPath, [CLI, 'run', '--config', file], {
        env: fakeCameraEnv(join(dir, 'laura-door'), mode),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no unlock within 60 s (${mode}):\n${out}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('decision outcome=unlock')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(transitions(name).at(-1)?.state).toBe('locked');
      if (mode.startsWith('die')) expect(out).toMatch(/camera process ended, restarting .*code=1/);
    }
  });

  it('tells systemd it is ready, its status, and pings the watchdog while frames flow', async () => {
    const { createRequire } = await import('node:module');
    const { createSocket } = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(t: 'unix_dgram', cb: (msg: Buffer) => void): { bind(p: string): void; close(): void };
    };
    const socketPath = join(dir, 'notify.sock');
    const messages: string[] = [];
    const receiver = createSocket('unix_dgram', (msg) => messages.push(msg.toString()));
    receiver.bind(socketPath);
    try {
      const env = { ...process.env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '300000' };
      const r = await runCli(
        ['run', '--config', config('notify', `camera: { kind: replay, source: ${join(dir, 'impostor-door')}, framerate: 4 }\n`)],
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
    const state = join(dir, 'gpio.jsonl');
    const file = join(dir, 'gpio.yaml');
    writeFileSync(
      file,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\nlock: { driver: gpiod, line: GPIO17, unlockMs: 20000, maxUnlockMs: 30000 }\ncamera: { kind: replay, source: ${join(dir, 'laura-door')}, framerate: 5, loop: true }\n`,
    );
    const env = { ...process.env, PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`, FAKE_GPIOD_VERSION: '2', FAKE_GPIO_STATE: state };
    const child = spawn(process.execPath, [CLI, 'run', '--config', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no unlock within 60 s:\n${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('decision outcome=unlock')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const lines = () =>
      readFileSync(state, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { at: number; pid: number; value?: number; event: string });
    const active = lines().find((e) => e.event === 'set' && e.value === 1);
    expect(active).toBeDefined();
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const released = lines().find((e) => e.event === 'release' && e.pid === active?.pid);
    expect(released, 'the relay line is released').toBeDefined();
    expect((released?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(1000);
  });

  it('opens for the exit button and relocks as soon as the door contact closes (fake gpioset and gpiomon)', async () => {
    const state = join(dir, 'inputs-gpio.jsonl');
    const events = join(dir, 'inputs-events.txt');
    // exit button pressed at 1.5 s; the door opens at 2.0 s and closes at 2.6 s (offsets 23 and 22, logical edges)
    writeFileSync(events, ['1500 23 rising', '100 23 falling', '400 22 falling', '600 22 rising'].join('\n'));
    const still = join(dir, 'inputs-still');
    mkdirSync(still);
    const frame = join(nuaa as string, 'ClientRaw', '0002', readdirSync(join(nuaa as string, 'ClientRaw', '0002')).sort()[0] as string);
    for (let i = 0; i < 60; i++) symlinkSync(frame, join(still, `f${String(i).padStart(2, '0')}.jpg`));
    const file = join(dir, 'inputs.yaml');
    writeFileSync(
      file,
      `stateDir: ${join(dir, 'state')}\nkeyFile: ${join(dir, 'key')}\nlock: { driver: gpiod, line: GPIO17, unlockMs: 20000, maxUnlockMs: 30000 }\ninputs: { driver: gpiod, doorContact: GPIO22, exitButton: GPIO23 }\ncamera: { kind: replay, source: ${still}, framerate: 15 }\nmotion: { holdMs: 0 }\n`,
    );
    const env = {
      ...process.env,
      PATH: `${FAKES_BIN}:${process.env.PATH ?? ''}`,
      FAKE_GPIOD_VERSION: '2',
      FAKE_GPIO_STATE: state,
      FAKE_GPIO_EVENTS: events,
    };
    const r = await runCli(['run', '--config', file], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/exit button: unlocked/);
    expect(r.stdout).toMatch(/door closed: relocked/);
    const lines = readFileSync(state, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: number; value?: number; event: string });
    const on = lines.find((e) => e.event === 'set' && e.value === 1);
    const offAfter = lines.find((e) => e.event === 'set' && e.value === 0 && e.at > (on?.at ?? 0));
    expect(on && offAfter).toBeTruthy();
    expect((offAfter?.at ?? 0) - (on?.at ?? 0)).toBeLessThan(2000); // relocked by the contact, not by the 20 s pulse
    expect(attempts().some((a) => a.outcome === 'unlock' && a.reason === 'exit_button')).toBe(true);
  });

  it('exits with a clear message and the door locked on a bad config, a foreign calibration, missing model files, a missing camera', async () => {
    const bad = await runCli(['run', '--config', config('bad', 'decision: { k: 9, n: 4 }\nmotion: { width: 5 }\n')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/decision\.k: k must not exceed n/);
    expect(bad.stderr).toMatch(/motion\.width: Too small/);
    const cal = join(dir, 'calibration.json');
    writeFileSync(
      cal,
      JSON.stringify({
        embedder: 'dlibResnet',
        threshold: 0.9,
        modelHashes: { '@vladmandic/human@3.3.6/models/blazeface.bin': 'f'.repeat(64) },
      }),
    );
    const foreign = await runCli([
      'run',
      '--config',
      config('foreign', `decision: { calibrationFile: ${cal} }\ncamera: { kind: replay, source: ${join(dir, 'laura-door')} }\n`),
    ]);
    expect(foreign.code).toBe(3);
    expect(foreign.stdout).toMatch(/made for other model files .*run facelock calibrate again/);
    expect(transitions('foreign').map((x) => x.state)).toEqual(['locked', 'locked']);
    const noModels = await runCli([
      'run',
      '--config',
      config('nomodels', `engine: { modelDir: ${join(dir, 'no-models')} }\ncamera: { kind: replay, source: ${join(dir, 'laura-door')} }\n`),
    ]);
    expect(noModels.code).toBe(5);
    expect(noModels.stdout).toMatch(
      /cannot run: the door stays locked .*model file .*no-models\/models\/\w+\.json .*cannot be read: run `npm ci`/,
    );
    expect(transitions('nomodels').every((x) => x.state === 'locked')).toBe(true);
    const noCamera = await runCli(['run', '--config', config('nocam', 'camera: { kind: rpicam }\n')], {
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(noCamera.code).toBe(6);
    expect(noCamera.stdout).toMatch(/rpicam-vid is not installed or not on PATH/);
    expect(transitions('nocam').every((x) => x.state === 'locked')).toBe(true);
  });

  // Human's shipped antispoof net scores NUAA's printed photos as live (0.96-0.97): until the trained liveness model
  // of the liveness issue lands, a printed photo of an enrolled user opens the door. Kept, and expected to fail.
  it.fails('does not open for a printed photo of an enrolled user (NUAA attack)', async () => {
    const live = join(dir, 'nuaa-live');
    const attack = join(dir, 'nuaa-attack');
    mkdirSync(live);
    mkdirSync(attack);
    const L = join(nuaa as string, 'ClientRaw', '0001');
    const A = join(nuaa as string, 'ImposterRaw', '0001');
    for (const f of readdirSync(L).filter((n) => n.startsWith('0001_00_00_01_'))) symlinkSync(join(L, f), join(live, f));
    for (const f of readdirSync(A).sort().slice(0, 40)) symlinkSync(join(A, f), join(attack, f));
    expect((await runCli([...base, 'enroll', 'add', 'nuaa-subject-1', '--images', live])).code).toBe(0);
    const r = await runCli(['run', '--config', config('attack', `camera: { kind: replay, source: ${attack}, framerate: 10 }\n`)]);
    expect(r.code).toBe(0);
    expect(transitions('attack').every((x) => x.state === 'locked')).toBe(true);
  });
});
