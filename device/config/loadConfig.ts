import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../common/errors.js';
import { configSchema, type FacelockConfig } from './configSchema.js';

export const DEFAULT_CONFIG_FILE = '/etc/facelock/config.yaml';

/** Every problem of a parsed config, one per line, each with its path (`lock.unlockMs: ...`). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

/** Validates a config object; a ConfigError lists every problem. */
export function parseConfig(raw: unknown, source: string): Readonly<FacelockConfig> {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${source} is not a valid facelock config:\n${describeIssues(result.error.issues)}`);
  return Object.freeze(result.data);
}

/** Reads YAML (or JSON, which is YAML) from a file; a missing file at the default path means all defaults. */
export function loadConfigFile(file: string, { required }: { required: boolean }): Readonly<FacelockConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return parseConfig({}, 'the defaults');
    const denied = (err as NodeJS.ErrnoException).code === 'EACCES';
    const fix = denied
      ? `: this user (uid ${process.getuid?.() ?? '?'}) may not read it; the service runs as user facelock: sudo chown root:facelock ${file} && sudo chmod 0640 ${file} (and the folder: sudo chown root:facelock ${dirname(file)} && sudo chmod 0750 ${dirname(file)})`
      : '';
    throw new ConfigError(`config file ${file} cannot be read: ${(err as Error).message}${fix}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return parseConfig(raw, file);
}
