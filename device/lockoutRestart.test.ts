import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoorFixture } from '../test/daemonFixture.js';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';

const lfw = datasetForTests('lfw', 'the lockout across daemon restarts on lfw-dev');
let f: DoorFixture;

beforeAll(async () => {
  if (lfw) f = await DoorFixture.create(lfw);
});
afterAll(() => f?.cleanup());

describe.runIf(lfw)('facelock run: a lockout that holds across a restart (real process, real photos, simulated lock)', () => {
  it('keeps the enrolled owner out after an impostor locked the door and the daemon restarted, until the owner clears it', async () => {
    const lock = (name: string) =>
      `lock: { driver: sim, simFile: ${f.lockFile(name)}, unlockMs: 500, maxFailures: 1, attemptSliceMs: 1000 }`;
    const door = (name: string, folder: string) =>
      f.config(name, `camera: { kind: replay, source: ${join(f.dir, folder)}, framerate: 5 }\n`, lock(name));
    const attack = await runCli(['run', '--config', door('attack', 'impostor-door')]);
    expect(attack.code, attack.stdout + attack.stderr).toBe(0);
    expect(attack.stdout).toMatch(/decision outcome=reject .*reason=no_match .*lockout=1/);
    expect(attack.stdout).toMatch(/locked out after failed attempts: no face is evaluated until it ends failures=1 seconds=30/);
    const shown = await runCli([...f.base, 'lockout', 'show', '--json']);
    const [face] = JSON.parse(shown.stdout) as { name: string; failures: number; remainingSeconds: number }[];
    expect(face).toMatchObject({ name: 'face', failures: 1 });
    expect(face?.remainingSeconds).toBeGreaterThan(10);
    // a new daemon (a crash, a restart by systemd): the lockout is still on, and Laura's own face is not evaluated
    const owner = await runCli(['run', '--config', door('owner', 'laura-door')]);
    expect(owner.code, owner.stdout + owner.stderr).toBe(0);
    expect(owner.stdout).toMatch(/lockout count restored from the database throttle=face failures=1 remainingSeconds=\d+/);
    expect(owner.stdout).not.toMatch(/decision outcome=unlock/);
    expect(f.transitions('owner').every((t) => t.state === 'locked')).toBe(true);
    expect((await runCli([...f.base, 'lockout', 'clear'])).stdout).toMatch(/cleared 1 lockout record/);
    const cleared = await runCli(['run', '--config', door('cleared', 'laura-door')]);
    expect(cleared.stdout).toMatch(/decision outcome=unlock user=laura/);
  });
});
