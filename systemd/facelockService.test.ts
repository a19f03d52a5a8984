import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonLines } from '../test/daemonFixture.js';
import { fakeGpioEnv } from '../test/fakeGpio.js';
import { CLI, runCli } from '../test/runCli.js';

const UNIT = fileURLToPath(new URL('./facelock.service', import.meta.url));
const unit = readFileSync(UNIT, 'utf8');
const directive = (name: string) =>
  unit
    .split('\n')
    .filter((l) => l.startsWith(`${name}=`))
    .map((l) => l.slice(name.length + 1));

describe('systemd/facelock.service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a notify service with a watchdog whose ExecStopPost releases the relay of the same config', () => {
    expect(directive('Type')).toEqual(['notify']);
    expect(Number(directive('WatchdogSec')[0])).toBeGreaterThan(0);
    const config = directive('ExecStart')[0]?.match(/--config (\S+)/)?.[1];
    expect(directive('ExecStart')[0]).toMatch(/facelock run --config /);
    expect(directive('ExecStopPost')[0]).toBe(`/usr/local/bin/facelock lock release --config ${config}`);
    expect(directive('LoadCredential')).toEqual(['facelock.key:/etc/facelock/facelock.key']);
    expect(directive('DevicePolicy')).toEqual(['closed']);
    expect(directive('DeviceAllow').map((d) => d.split(' ')[0])).toEqual([
      'char-gpiochip',
      'char-video4linux',
      'char-media',
      '/dev/dma_heap/linux,cma',
      '/dev/dma_heap/system',
    ]);
    expect(directive('Restart')).toEqual(['always']);
    expect(directive('IPAddressDeny')).toEqual(['any']);
    expect(directive('IPAddressAllow')).toEqual(['localhost']);
    expect(directive('StateDirectoryMode')).toEqual(['0700']);
    // the service user reads its config through group facelock (install-pi.sh: root:facelock 0750, files 0640)
    expect(directive('ConfigurationDirectoryMode')).toEqual(['0750']);
    expect(directive('SystemCallFilter')).toEqual(['@system-service', '~@privileged @resources']);
    expect(directive('PrivateMounts')).toEqual(['yes']);
    expect(directive('UMask')).toEqual(['0077']);
    expect(directive('CapabilityBoundingSet')).toEqual(['']);
  });

  it('passes systemd-analyze verify without a warning, with an exposure score of 1.7 or less', () => {
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze']);
    expect(which.status, 'systemd-analyze is installed by .ci/run (Debian package systemd)').toBe(0);
    // the same unit, run as root with the built executable, so verify can check the paths it names
    const local = join(dir, 'facelock.service');
    writeFileSync(
      local,
      unit
        .replaceAll('/usr/local/bin/facelock', `${process.execPath} ${CLI}`)
        .replace(/^User=.*$/m, 'User=root')
        .replace(/^Group=.*$/m, 'Group=root')
        .replace(/^SupplementaryGroups=.*$/m, ''),
    );
    const verify = spawnSync('systemd-analyze', ['verify', local], { encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr).toBe('');
    const security = execFileSync('systemd-analyze', ['security', '--offline=true', local], { encoding: 'utf8' });
    const score = Number(security.match(/Overall exposure level for \S+: ([\d.]+)/)?.[1]);
    console.log(`systemd-analyze security --offline=true: exposure ${score}`);
    expect(score).toBeLessThanOrEqual(1.7);
  });

  it('ExecStopPost: `facelock lock release` drives the relay line inactive and lets it go (fake gpioset v1 and v2)', async () => {
    for (const version of [1, 2] as const) {
      const state = join(dir, `release-v${version}.jsonl`);
      const config = join(dir, 'config.yaml');
      writeFileSync(config, 'lock: { driver: gpiod, line: GPIO17 }\n');
      const r = await runCli(['lock', 'release', '--config', config], { env: fakeGpioEnv(version, { FAKE_GPIO_STATE: state }) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/relay GPIO17 driven inactive and released \(gpiod\)/);
      const events = readJsonLines<{ event: string; value?: number }>(state);
      expect(events.filter((e) => e.event === 'set').every((e) => e.value === 0)).toBe(true);
      expect(events.at(-1)?.event).toBe('release');
    }
    const missing = await runCli(['lock', 'release', '--config', join(dir, 'config.yaml')], {
      env: fakeGpioEnv(2, { FAKE_GPIO_STATE: join(dir, 'x.jsonl'), FAKE_GPIO_CHIPS: 'none' }),
    });
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/GPIO17/);
  });
});

describe('facelock lock release with lock.driver auto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-auto-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('simulates only where there is no relay: a busy relay line is a fault, never "(sim)"', async () => {
    const config = join(dir, 'auto.yaml');
    writeFileSync(config, `lock: { driver: auto, line: GPIO17, simFile: ${join(dir, 'sim.jsonl')} }\n`);
    const release = (settings: Record<string, string>) =>
      runCli(['lock', 'release', '--config', config], { env: fakeGpioEnv(2, { FAKE_GPIO_STATE: join(dir, 'auto.jsonl'), ...settings }) });
    // GPIO17 exists but another process holds it: the relay cannot be driven, and release must not claim it was
    const busy = await release({ FAKE_GPIO_BUSY: '17' });
    expect(busy.code).toBe(7);
    expect(busy.stdout).not.toMatch(/released/);
    expect(busy.stderr).toMatch(/GPIO17.*busy/i);
    // no GPIO chip at all, or no line of that name: nothing to drive, the simulated lock, and it says so
    const none = await release({ FAKE_GPIO_CHIPS: 'none' });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout + none.stderr).toMatch(/no GPIO chip on this machine.*simulated lock/s);
    const noLine = await release({ FAKE_GPIO_LINES: 'GPIO22' });
    expect(noLine.code, noLine.stderr).toBe(0);
    expect(noLine.stdout + noLine.stderr).toMatch(/no GPIO line named GPIO17/);
  });
});
