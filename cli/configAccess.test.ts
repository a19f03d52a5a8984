import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../test/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'facelock-access-'));
chmodSync(dir, 0o755); // others may enter it: only the files' own modes decide
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// config check also checks the key file and the state folder a config names: these exist
const key = join(dir, 'facelock.key');
spawnSync(process.execPath, [CLI, '--key-file', key, 'key', 'init']);
const paths = `keyFile: ${key}\nstateDir: ${join(dir, 'state')}\n`;

const file = (name: string, text: string, mode: number) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
};

describe('facelock run / config check: the config and the files it names are the service user’s alone', () => {
  it('refuses a config or a secret others can read or change, naming the file and the command that fixes it', async () => {
    for (const mode of [0o644, 0o660, 0o602]) {
      const config = file(`open-${mode.toString(8)}.yaml`, 'lock: { driver: sim }\n', mode);
      for (const command of [['config', 'check'], ['run']]) {
        const r = await runCli([...command, '--config', config]);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(`the config file ${config} has mode 0${mode.toString(8)}`);
        expect(r.stderr).toContain(`sudo chown root:facelock ${config} && sudo chmod 0640 ${config}`);
      }
    }
    const secret = file('code', 'open-sesame-42\n', 0o644);
    const withSecret = file(
      'mqtt.yaml',
      `${paths}lock: { driver: sim }\nmqtt: { url: 'mqtt://127.0.0.1:1883', deviceId: d, remoteCommands: true, commandSecretFile: ${secret} }\n`,
      0o640,
    );
    const r = await runCli(['config', 'check', '--config', withSecret]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the remote-command code file .*code has mode 0644: every user of the machine can read it/);
    chmodSync(secret, 0o600);
    expect((await runCli(['config', 'check', '--config', withSecret])).code).toBe(0);
  });

  it('refuses a calibration file others can change (it sets the threshold), and accepts one everyone may read', async () => {
    const cal = file('calibration.json', '{}', 0o666);
    const config = file('cal.yaml', `${paths}lock: { driver: sim }\ndecision: { calibrationFile: ${cal} }\n`, 0o600);
    const r = await runCli(['config', 'check', '--config', config]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the calibration file .* has mode 0666: users other than its owner can change it/);
    chmodSync(cal, 0o644);
    expect((await runCli(['config', 'check', '--config', config])).code).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('says how to give the service user a config it cannot read (run as another user)', () => {
    const config = file('root-only.yaml', 'lock: { driver: sim }\n', 0o600);
    const r = spawnSync(process.execPath, [CLI, 'config', 'check', '--config', config], { uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cannot be read: .*EACCES.*this user \(uid 65534\) may not read it; the service runs as user facelock/);
    expect(r.stderr).toContain(`sudo chown root:facelock ${config} && sudo chmod 0640 ${config}`);
  });
});
