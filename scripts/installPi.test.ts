import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./install-pi.sh', import.meta.url));
const UNIT = fileURLToPath(new URL('../systemd/facelock.service', import.meta.url));

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const dir = mkdtempSync(join(tmpdir(), 'facelock-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (root: string, ...args: string[]) =>
  spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, FACELOCK_ROOT: root } });

describe('scripts/install-pi.sh', () => {
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
    expect(r.stdout).toMatch(/^would +allow the MQTT broker 192\.168\.1\.10 in /m);
    expect(r.stdout).toMatch(/^would +give .*\/etc\/facelock to the service user: root:facelock 0750, files 0640, the key root 0400/m);
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

  it('refuses to install for real anywhere but Raspberry Pi OS Trixie or Bookworm arm64, saying so; rejects unknown options', () => {
    const r = run(join(dir, 'bare'));
    if (process.arch !== 'arm64') {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/facelock installs on Raspberry Pi OS Trixie or Bookworm arm64 \(use --dry-run/);
    }
    const bad = run(join(dir, 'bare'), '--frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
  });
});

describe('scripts/install-pi.sh: what it hands to the system', () => {
  it('puts only addresses in the MQTT drop-in: a host name is resolved, anything else is refused before any step', () => {
    const root = join(dir, 'broker');
    mkdirSync(root);
    const marker = join(dir, 'pwned');
    const evil = run(root, '--dry-run', '--mqtt-broker', `x'; touch ${marker}; '`);
    expect(evil.status).toBe(2);
    expect(evil.stderr).toMatch(/--mqtt-broker takes an IP address, a prefix \(192\.168\.1\.0\/24\) or a host name/);
    expect(evil.stdout).not.toMatch(/^would/m);
    expect(listTree(dir)).not.toContain('pwned');
    const named = run(root, '--dry-run', '--mqtt-broker', 'localhost');
    expect(named.status, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/^note +MQTT broker localhost is .*127\.0\.0\.1/m);
    expect(named.stdout).toMatch(/^would +allow the MQTT broker .*127\.0\.0\.1.* in /m);
    const unknown = run(root, '--dry-run', '--mqtt-broker', 'no-such-broker.invalid');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/does not resolve; give its IP address/);
  });

  it('gets Node 20 from Debian on Trixie and from the signed NodeSource repository on Bookworm, never a piped script', () => {
    const bin = join(dir, 'old-node');
    mkdirSync(bin);
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
    for (const [codename, step] of [
      ['trixie', /^would +install Node\.js from Debian \(apt-get install nodejs npm/m],
      ['bookworm', /^would +install Node\.js 20 from the NodeSource apt repository, signed \(key .*\/etc\/apt\/keyrings\/nodesource\.gpg/m],
    ] as const) {
      const root = join(dir, codename);
      mkdirSync(join(root, 'etc'), { recursive: true });
      writeFileSync(join(root, 'etc/os-release'), `ID=debian\nVERSION_CODENAME=${codename}\n`);
      const r = spawnSync('bash', [SCRIPT, '--dry-run'], {
        encoding: 'utf8',
        env: { ...process.env, FACELOCK_ROOT: root, PATH: `${bin}:${process.env.PATH}` },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(step);
    }
    expect(readFileSync(SCRIPT, 'utf8')).not.toMatch(/\| *(ba)?sh\b/);
  });
});
