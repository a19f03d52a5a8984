import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./install-pi.sh', import.meta.url));
const UNIT = fileURLToPath(new URL('../systemd/facelock.service', import.meta.url));

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('scripts/install-pi.sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facelock-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (root: string, ...args: string[]) =>
    spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, FACELOCK_ROOT: root } });

  it('is shellcheck clean', () => {
    const r = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(r.error, 'shellcheck is installed by .ci/run (Debian package shellcheck)').toBeUndefined();
    expect(r.status, r.stdout).toBe(0);
  });

  it('dry run on a bare system: lists every step it would take and changes nothing', () => {
    const root = join(dir, 'bare');
    mkdirSync(root);
    const r = run(root, '--dry-run', '--mqtt-broker', '192.168.1.10');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^would +install packages: .*rpicam-apps/m);
    expect(r.stdout).toMatch(/^would +write .*\/etc\/facelock\/config\.yaml/m);
    expect(r.stdout).toMatch(/^would +create the template key/m);
    expect(r.stdout).toMatch(/^would +install the unit .*facelock\.service/m);
    expect(r.stdout).toMatch(/^would +allow the MQTT broker 192\.168\.1\.10/m);
    expect(r.stdout).toMatch(/^warn +dtparam=strict_gpiod is not set/m);
    expect(r.stdout).toMatch(/^would +add dtparam=strict_gpiod/m);
    expect(listTree(root)).toEqual([]);
  });

  it('dry run on an installed system: the steps already done say ok (idempotent)', () => {
    const root = join(dir, 'installed');
    for (const d of ['etc/facelock', 'etc/systemd/system', 'boot/firmware', 'usr/local/bin']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/facelock/config.yaml'), 'lock: { driver: gpiod }\n');
    writeFileSync(join(root, 'etc/facelock/facelock.key'), 'x');
    writeFileSync(join(root, 'boot/firmware/config.txt'), 'arm_64bit=1\ndtparam=strict_gpiod\n');
    writeFileSync(join(root, 'etc/systemd/system/facelock.service'), spawnSync('cat', [UNIT], { encoding: 'utf8' }).stdout);
    symlinkSync('/opt/facelock/dist/cli/facelock.js', join(root, 'usr/local/bin/facelock'));
    const before = listTree(root);
    const r = run(root, '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    for (const step of [
      'config .*config\\.yaml',
      'key .*facelock\\.key',
      'dtparam=strict_gpiod',
      'unit .*facelock\\.service',
      '.*usr/local/bin/facelock',
    ])
      expect(r.stdout).toMatch(new RegExp(`^ok +${step}`, 'm'));
    expect(r.stdout).not.toMatch(/^warn/m);
    expect(listTree(root)).toEqual(before);
  });

  it('refuses to install for real anywhere but Raspberry Pi OS Bookworm arm64, saying so; rejects unknown options', () => {
    const r = run(join(dir, 'bare'));
    if (process.arch !== 'arm64') {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/facelock installs on Raspberry Pi OS Bookworm arm64 \(use --dry-run/);
    }
    const bad = run(join(dir, 'bare'), '--frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
  });
});
