import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetForTests } from '../test/datasets.js';
import { fakeCameraEnv } from '../test/fakeCamera.js';
import { runCli } from '../test/runCli.js';

const nuaa = datasetForTests('nuaa', 'camera enrollment with NUAA live frames');

/** Links the NUAA frames of one subject whose names start with `prefix` into a folder the fake camera plays. */
function frames(dest: string, subject: string, prefix: string): string {
  mkdirSync(dest, { recursive: true });
  const dir = join(nuaa as string, 'ClientRaw', subject);
  for (const f of readdirSync(dir).filter((n) => n.startsWith(prefix))) symlinkSync(join(dir, f), join(dest, f));
  return dest;
}

describe.runIf(nuaa)('enrollment in front of the camera (rpicam-vid spawned from PATH: the fake plays NUAA live frames)', () => {
  let dir: string;
  let base: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facelock-camenroll-'));
    base = ['--state-dir', join(dir, 'state'), '--key-file', join(dir, 'key')];
    expect((await runCli([...base, 'key', 'init'])).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('guides through the poses, keeps live frames that pass the gates, and says which poses are missing', async () => {
    const env = fakeCameraEnv(frames(join(dir, 'session1'), '0001', '0001_00_00_01_'));
    const r = await runCli([...base, '--json', 'enroll', 'add', 'subject1', '--pose-timeout', '2', '--no-lighting'], {
      env,
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { templates: number; coverage: Record<string, number>; missing: string[] };
    expect(out.templates).toBeGreaterThanOrEqual(1);
    expect(out.coverage.frontal).toBeGreaterThanOrEqual(1);
    // NUAA subjects were asked to keep still: the turns cannot be filled, and the result says so
    expect(out.missing).toEqual(expect.arrayContaining(['left', 'right']));
  });

  it('verifies the same person live from another session, and not another person', async () => {
    const same = await runCli([...base, '--json', 'enroll', 'verify', 'subject1', '--seconds', '8'], {
      env: fakeCameraEnv(frames(join(dir, 'session2'), '0001', '0001_00_00_02_')),
      timeoutMs: 60_000,
    });
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as { matched: number }).matched).toBeGreaterThanOrEqual(3);
    const other = await runCli([...base, '--json', 'enroll', 'verify', 'subject1', '--seconds', '3'], {
      env: fakeCameraEnv(frames(join(dir, 'other'), '0003', '0003_')),
      timeoutMs: 60_000,
    });
    expect(other.code).toBe(10);
    const o = JSON.parse(other.stdout) as { matched: number; withFace: number };
    expect(o.matched).toBe(0);
    expect(o.withFace).toBeGreaterThan(5);
  });

  it('fails with a clear message when the camera tool is missing, and stores nothing', async () => {
    const env = { ...fakeCameraEnv(join(dir, 'session1')), PATH: '/usr/bin:/bin' };
    const r = await runCli([...base, 'enroll', 'add', 'ghost', '--pose-timeout', '1'], { env, timeoutMs: 30_000 });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/rpicam-vid is not installed or not on PATH: install rpicam-apps/);
    expect((await runCli([...base, '--json', 'enroll', 'list'])).stdout).not.toContain('ghost');
  });
});
