import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoorFixture, readJsonLines } from '../test/daemonFixture.js';
import { datasetForTests } from '../test/datasets.js';
import { fakeGpioEnv } from '../test/fakeGpio.js';
import { runCli } from '../test/runCli.js';

const UNIT = fileURLToPath(new URL('./facelock.service', import.meta.url));
const SOURCE = fileURLToPath(new URL('./syscallFilter/denySyscalls.c', import.meta.url));
const lfw = datasetForTests('lfw', 'the daemon under the unit’s system-call filter');

/** The groups the unit denies (`SystemCallFilter=~...`). */
const deniedGroups = () =>
  readFileSync(UNIT, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('SystemCallFilter=~'))
    .flatMap((l) => l.slice('SystemCallFilter=~'.length).split(/\s+/));

/** Every system call of the groups, nested groups expanded, as this systemd defines them. */
function expand(names: readonly string[], seen = new Set<string>()): string[] {
  const calls: string[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!name.startsWith('@')) {
      calls.push(name);
      continue;
    }
    const out = spawnSync('systemd-analyze', ['syscall-filter', name], { encoding: 'utf8' }).stdout;
    const items = out
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    calls.push(...expand(items, seen));
  }
  return [...new Set(calls)].sort();
}

let dir: string;
let wrapper: string;
let denied: string[];
let f: DoorFixture | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'facelock-seccomp-'));
  wrapper = join(dir, 'deny-syscalls');
  const cc = spawnSync('cc', ['-o', wrapper, SOURCE, '-lseccomp'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cannot build the seccomp wrapper (Debian package libseccomp-dev, from .ci/run): ${cc.stderr}`);
  denied = expand(deniedGroups());
  if (lfw) f = await DoorFixture.create(lfw);
});
afterAll(() => {
  f?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the unit’s SystemCallFilter=~@privileged @resources: the daemon runs with it', () => {
  it('denies what the unit denies (setuid, chown, setpriority, sched_setaffinity, setrlimit), and the filter bites', () => {
    expect(deniedGroups()).toEqual(['@privileged', '@resources']);
    for (const call of ['setuid', 'chown', 'fchown', 'setpriority', 'sched_setaffinity', 'setrlimit', 'clock_settime'])
      expect(denied).toContain(call);
    const nice = spawnSync(wrapper, [...denied, '--', 'nice', '-n', '5', 'true'], { encoding: 'utf8' });
    expect(nice.stderr).toMatch(/cannot set niceness: Operation not permitted/);
    const free = spawnSync(wrapper, ['--', 'nice', '-n', '5', 'true'], { encoding: 'utf8' });
    expect(free.stderr).toBe('');
  });

  it.runIf(lfw)('opens for Laura through a spawned gpioset, checks its config and releases the relay, all under the filter', async () => {
    const door = f as DoorFixture;
    const state = join(door.dir, 'seccomp-gpio.jsonl');
    const env = fakeGpioEnv(2, { FAKE_GPIO_STATE: state });
    const file = door.config(
      'seccomp',
      `camera: { kind: replay, source: ${join(door.dir, 'laura-door')}, framerate: 5 }\n`,
      'lock: { driver: gpiod, line: GPIO17, unlockMs: 5000 }',
    );
    const prefix = [wrapper, ...denied, '--'];
    const check = await runCli(['config', 'check', '--config', file], { prefix, env });
    expect(check.code, check.stderr).toBe(0);
    const run = await runCli(['run', '--config', file], { prefix, env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/decision outcome=unlock user=laura/);
    expect(run.stdout).not.toMatch(/Operation not permitted|EPERM/);
    const release = await runCli(['lock', 'release', '--config', file], { prefix, env });
    expect(release.code, release.stderr).toBe(0);
    const sets = readJsonLines<{ event: string; value?: number }>(state).filter((e) => e.event === 'set');
    expect(sets.some((e) => e.value === 1)).toBe(true);
    expect(sets.at(-1)?.value).toBe(0);
  });
});
