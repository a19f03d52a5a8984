import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STORE_PATHS } from '../device/store/openStore.js';
import { datasetForTests } from '../test/datasets.js';
import { runCli } from '../test/runCli.js';
import { resolveStorePaths } from './storePaths.js';

describe('resolveStorePaths', () => {
  it('takes a flag, then the environment, then the config, then the default, each path on its own', () => {
    const config = { values: { stateDir: '/srv/door', keyFile: '/srv/door.key' }, file: '/etc/facelock/config.yaml' };
    expect(resolveStorePaths({ stateDir: { value: '/a', source: 'flag' } }, config, DEFAULT_STORE_PATHS)).toEqual({
      stateDir: '/a',
      keyFile: '/srv/door.key',
      from: { stateDir: '--state-dir', keyFile: 'config /etc/facelock/config.yaml' },
    });
    expect(resolveStorePaths({ keyFile: { value: '/k', source: 'environment' } }, undefined, DEFAULT_STORE_PATHS)).toEqual({
      stateDir: '/var/lib/facelock',
      keyFile: '/k',
      from: { stateDir: 'default', keyFile: 'FACELOCK_KEY_FILE' },
    });
  });
});

const nuaa = datasetForTests('nuaa', 'one state across commands (enroll, then run) on NUAA');
let dir: string;
let live: string;
let enrol: string;

beforeAll(() => {
  if (!nuaa) return;
  dir = mkdtempSync(join(tmpdir(), 'facelock-paths-'));
  enrol = join(dir, 'enrol');
  live = join(dir, 'live');
  mkdirSync(enrol);
  mkdirSync(live);
  const L = join(nuaa, 'ClientRaw', '0004');
  const frames = (prefix: string) =>
    readdirSync(L)
      .filter((n) => n.startsWith(prefix))
      .sort((a, b) => Number(/_(\d+)\.jpg$/.exec(a)?.[1]) - Number(/_(\d+)\.jpg$/.exec(b)?.[1]));
  for (const n of frames('0004_01_00_01_').filter((_, i) => i % 3 === 0)) symlinkSync(join(L, n), join(enrol, n));
  for (const n of frames('0004_01_00_02_').slice(0, 15)) symlinkSync(join(L, n), join(live, n));
});
afterAll(() => {
  if (nuaa) rmSync(dir, { recursive: true, force: true });
});

/** A config with no stateDir and no keyFile: where the state is comes from the flags or the environment. */
function configWithoutPaths(name: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `camera: { kind: replay, source: ${live}, framerate: 10 }\nlock: { driver: sim, simFile: ${join(dir, `${name}-lock.jsonl`)}, unlockMs: 500 }\nstatus: { port: 0 }\n`,
  );
  chmodSync(file, 0o600);
  return file;
}

describe.runIf(nuaa)('one state folder and key for every command', () => {
  it('enrolls with --state-dir and --key-file, and run with the same flags opens for her', async () => {
    const flags = ['--state-dir', join(dir, 'state-a'), '--key-file', join(dir, 'a.key')];
    expect((await runCli([...flags, 'key', 'init'])).code).toBe(0);
    const enrolled = await runCli([...flags, 'enroll', 'add', 'subject-4', '--images', enrol]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const check = await runCli([...flags, 'config', 'check', '--config', configWithoutPaths('a')]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain(`state ${join(dir, 'state-a')} (from --state-dir), key ${join(dir, 'a.key')} (from --key-file)`);
    const run = await runCli([...flags, 'run', '--config', configWithoutPaths('a')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/state and key stateDir=\S*state-a from=--state-dir keyFile=\S*a\.key keyFrom=--key-file/);
    expect(run.stdout).toMatch(/watching the door .*users=1/);
    expect(run.stdout).toMatch(/decision outcome=unlock user=subject-4 /);
  });

  it('does the same with FACELOCK_STATE_DIR and FACELOCK_KEY_FILE', async () => {
    const env = { ...process.env, FACELOCK_STATE_DIR: join(dir, 'state-b'), FACELOCK_KEY_FILE: join(dir, 'b.key') };
    expect((await runCli(['key', 'init'], { env })).code).toBe(0);
    expect((await runCli(['enroll', 'add', 'subject-4', '--images', enrol], { env })).code).toBe(0);
    const run = await runCli(['run', '--config', configWithoutPaths('b')], { env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/from=FACELOCK_STATE_DIR .*keyFrom=FACELOCK_KEY_FILE/);
    expect(run.stdout).toMatch(/decision outcome=unlock user=subject-4 /);
  });

  it('config check refuses a missing replay source and a missing key file, naming the path', async () => {
    const missingKey = join(dir, 'nowhere.key');
    const noKey = await runCli([
      '--state-dir',
      join(dir, 'state-c'),
      '--key-file',
      missingKey,
      'config',
      'check',
      '--config',
      configWithoutPaths('c'),
    ]);
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain(`keyFile ${missingKey} does not exist: create it with \`facelock key init --key-file ${missingKey}\``);
    const file = join(dir, 'no-source.yaml');
    const gone = join(dir, 'no-such-recording');
    writeFileSync(
      file,
      `keyFile: ${join(dir, 'a.key')}\nstateDir: ${join(dir, 'state-a')}\ncamera: { kind: replay, source: ${gone}, framerate: 10 }\n`,
    );
    chmodSync(file, 0o600);
    const noSource = await runCli(['config', 'check', '--config', file]);
    expect(noSource.code).toBe(3);
    expect(noSource.stderr).toContain(`camera.source ${gone} does not exist`);
  });
});
