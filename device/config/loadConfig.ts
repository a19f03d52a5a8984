import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isScalar, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../common/errors.js';
import { unknownKeysHint } from './configHints.js';
import { configSchema, type FacelockConfig } from './configSchema.js';

export const DEFAULT_CONFIG_FILE = '/etc/facelock/config.yaml';

/** Every problem of a parsed config, one per line, each with its path (`lock.unlockMs: ...`). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], raw?: unknown): string {
  return issues
    .map((i) => {
      const hint = i.code === 'unrecognized_keys' ? unknownKeysHint(configSchema, i.path, i.keys, raw) : '';
      return `  ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}${hint}`;
    })
    .join('\n');
}

/** Validates a config object; a ConfigError lists every problem. */
export function parseConfig(raw: unknown, source: string): Readonly<FacelockConfig> {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${source} is not a valid facelock config:\n${describeIssues(result.error.issues, raw)}`);
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
  return parseConfig(readYaml(text, file), file);
}

/**
 * The YAML document as plain data. What the parser only warns about (an unknown tag, an ambiguous alias, a key that
 * is itself a list or a map) is refused too: a door's config must mean one thing, not what a parser guessed.
 */
function readYaml(text: string, file: string): unknown {
  const doc = parseDocument(text);
  const first = doc.errors[0] ?? doc.warnings[0];
  // the parser's message ends with the line and a caret under the place: keep them
  if (first) throw new ConfigError(`config file ${file} is not valid YAML: ${first.message.trimEnd()}`, { cause: first });
  let complexKey = false;
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) complexKey = true;
    },
  });
  if (complexKey)
    throw new ConfigError(`config file ${file} is not valid YAML for facelock: a key is a list or a map; keys are plain names`);
  return doc.toJS();
}
