import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError } from '../../common/errors.js';
import type { FacelockConfig } from './configSchema.js';

/**
 * What a file the daemon trusts may allow others: `private` files (the config, the MQTT password and command code)
 * may be read by the owner and the group (the service user reads them through group facelock), written by the owner
 * only; `trusted` files (the calibration file, which sets the threshold) may be read by anyone, written by the owner.
 */
type Exposure = 'private' | 'trusted';

const FORBIDDEN: Record<Exposure, number> = { private: 0o027, trusted: 0o022 };

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * Refuses a file the service user cannot read, or one others can change (or, if private, read), with the command that
 * fixes it. Installed by scripts/install-pi.sh as root:facelock 0640.
 */
export function checkFileAccess(file: string, what: string, exposure: Exposure): void {
  const fix =
    exposure === 'private'
      ? `sudo chown root:facelock ${file} && sudo chmod 0640 ${file} (or chmod 0600 ${file} when you run facelock as its owner)`
      : `sudo chown root:facelock ${file} && sudo chmod 0644 ${file}`;
  let mode: number;
  try {
    mode = statSync(file).mode;
    accessSync(file, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ConfigError(`${what} ${file} does not exist: create it, or correct the path in the config`, { cause: err });
    throw new ConfigError(`${what} ${file} cannot be read by this user (uid ${process.getuid?.() ?? '?'}): ${fix}`, { cause: err });
  }
  if ((mode & FORBIDDEN[exposure]) !== 0) {
    const who = mode & 0o022 ? 'users other than its owner can change it' : 'every user of the machine can read it';
    throw new ConfigError(`${what} ${file} has mode ${octal(mode)}: ${who}; run ${fix}`);
  }
}

/** The config file and every file it names that decides who gets in, checked before the daemon starts. */
export function checkConfigFiles(file: string | undefined, config: Readonly<FacelockConfig>): void {
  if (file !== undefined) checkFileAccess(file, 'the config file', 'private');
  if (config.mqtt?.passwordFile) checkFileAccess(config.mqtt.passwordFile, 'the MQTT password file', 'private');
  if (config.mqtt?.commandSecretFile) checkFileAccess(config.mqtt.commandSecretFile, 'the remote-command code file', 'private');
  if (config.decision.calibrationFile) checkFileAccess(config.decision.calibrationFile, 'the calibration file', 'trusted');
}
