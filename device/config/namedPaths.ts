import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../common/errors.js';
import { keySource } from '../store/keyFile.js';
import type { FacelockConfig } from './configSchema.js';

/** What one named path must be. */
type Want = 'file' | 'folder' | 'file or folder';

function kindOf(path: string): 'file' | 'folder' | 'other' {
  const s = statSync(path);
  return s.isFile() ? 'file' : s.isDirectory() ? 'folder' : 'other';
}

/** Refuses a path that is missing or of the wrong kind, naming the setting, the path and the fix. */
function mustExist(path: string, setting: string, want: Want, fix: string): void {
  if (!existsSync(path)) throw new ConfigError(`${setting} ${path} does not exist: ${fix}`);
  const kind = kindOf(path);
  if (want !== 'file or folder' && kind !== want) throw new ConfigError(`${setting} ${path} is a ${kind}, not a ${want}: ${fix}`);
  if (want === 'file or folder' && kind === 'other') throw new ConfigError(`${setting} ${path} is neither a file nor a folder: ${fix}`);
}

/**
 * The paths a config names that `facelock config check` checks beyond the files checkConfigFiles guards (which run
 * checks too): the key file (or the systemd credential that stands for it), the state folder (or the folder it would
 * be created in, writable), and the replay camera's source. What the daemon would only find out at start (exit 6 or 8)
 * is said here, with the path.
 */
export function checkNamedPaths(config: Readonly<FacelockConfig>, env: NodeJS.ProcessEnv = process.env): void {
  const key = keySource(config.keyFile, env);
  mustExist(key, 'keyFile', 'file', `create it with \`facelock key init --key-file ${config.keyFile}\`, or correct keyFile`);
  if (existsSync(config.stateDir)) {
    mustExist(config.stateDir, 'stateDir', 'folder', 'point stateDir at a folder');
    try {
      accessSync(config.stateDir, constants.W_OK);
    } catch {
      throw new ConfigError(
        `stateDir ${config.stateDir} is not writable by this user (uid ${process.getuid?.() ?? '?'}): run as its owner, or correct stateDir`,
      );
    }
  } else if (!existsSync(dirname(config.stateDir))) {
    throw new ConfigError(
      `stateDir ${config.stateDir} does not exist and neither does ${dirname(config.stateDir)}, where it would be created: create it (mkdir -p), or correct stateDir`,
    );
  }
  if (config.camera.kind === 'replay')
    mustExist(config.camera.source, 'camera.source', 'file or folder', 'give a folder of images or an MJPEG file to replay');
}
