import { existsSync } from 'node:fs';
import type { FacelockConfig } from '../device/config/configSchema.js';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../device/config/loadConfig.js';
import { DEFAULT_STORE_PATHS, type StorePaths } from '../device/store/openStore.js';

/** Where a path came from: a flag, the environment, the config file, or the built-in default. */
export type PathSource = 'flag' | 'environment' | 'config' | 'default';

export interface ResolvedPaths extends StorePaths {
  readonly from: { readonly stateDir: string; readonly keyFile: string };
}

/** A flag's or variable's value, when the person gave one (commander's value sources `cli` and `env`). */
export interface GivenPath {
  readonly value: string;
  readonly source: 'flag' | 'environment';
}

/**
 * The state folder and key file every command uses, resolved one way: a flag (--state-dir, --key-file), then the
 * environment (FACELOCK_STATE_DIR, FACELOCK_KEY_FILE), then the config file's stateDir and keyFile, then the defaults.
 * So `enroll --state-dir X` and `run --state-dir X` open the same database, whatever the config says.
 */
export function resolveStorePaths(
  given: { readonly stateDir?: GivenPath; readonly keyFile?: GivenPath },
  config: { readonly values: Pick<FacelockConfig, 'stateDir' | 'keyFile'>; readonly file: string } | undefined,
  defaults: StorePaths,
): ResolvedPaths {
  const one = (key: 'stateDir' | 'keyFile'): { value: string; from: string } => {
    const g = given[key];
    if (g) return { value: g.value, from: g.source === 'flag' ? `--${key === 'stateDir' ? 'state-dir' : 'key-file'}` : envName(key) };
    if (config) return { value: config.values[key], from: `config ${config.file}` };
    return { value: defaults[key], from: 'default' };
  };
  const stateDir = one('stateDir');
  const keyFile = one('keyFile');
  return { stateDir: stateDir.value, keyFile: keyFile.value, from: { stateDir: stateDir.from, keyFile: keyFile.from } };
}

const envName = (key: 'stateDir' | 'keyFile') => (key === 'stateDir' ? 'FACELOCK_STATE_DIR' : 'FACELOCK_KEY_FILE');

/**
 * A command's config (its --config, else the default file when it exists, else the defaults) with the state folder and
 * key file resolved against it: what `run`, `config check`, `coverage` and `calibrate` use, so that they open the
 * store `enroll` wrote to.
 */
export function configWithPaths(
  given: { readonly stateDir?: GivenPath; readonly keyFile?: GivenPath },
  file: string | undefined,
): { config: Readonly<FacelockConfig>; read: string | undefined; paths: ResolvedPaths } {
  const path = file ?? DEFAULT_CONFIG_FILE;
  const read = file !== undefined || existsSync(path) ? path : undefined;
  const loaded = loadConfigFile(path, { required: file !== undefined });
  const paths = resolveStorePaths(given, read ? { values: loaded, file: read } : undefined, DEFAULT_STORE_PATHS);
  return { config: { ...loaded, stateDir: paths.stateDir, keyFile: paths.keyFile }, read, paths };
}

/**
 * The paths of a command without a --config of its own: the default config file is read for them only when it exists
 * and a path was not given both ways already.
 */
export function storePathsOf(given: { readonly stateDir?: GivenPath; readonly keyFile?: GivenPath }): ResolvedPaths {
  return given.stateDir && given.keyFile
    ? resolveStorePaths(given, undefined, DEFAULT_STORE_PATHS)
    : configWithPaths(given, undefined).paths;
}
