import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/projectRoot.js';

/** The service's variables that shape the daemon's memory: Node's young generation and glibc's malloc arenas. */
export const MEMORY_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

/**
 * The assignments of a unit's `Environment=` lines, later ones winning: words split on blanks outside double
 * quotes, quotes removed (the part of systemd's syntax the shipped unit uses).
 */
export function unitEnvironment(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.split('\n')) {
    const m = line.match(/^\s*Environment=(.*)$/);
    if (!m) continue;
    for (const word of (m[1] as string).match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
      const text = word.replace(/"/g, '');
      const eq = text.indexOf('=');
      if (eq > 0) env[text.slice(0, eq)] = text.slice(eq + 1);
    }
  }
  return env;
}

/** The memory settings the shipped service runs the daemon with (systemd/facelock.service). */
export function serviceMemoryEnv(unitFile = join(projectRoot(), 'systemd', 'facelock.service')): Record<string, string> {
  const env = unitEnvironment(readFileSync(unitFile, 'utf8'));
  return Object.fromEntries(MEMORY_VARIABLES.filter((k) => env[k] !== undefined).map((k) => [k, env[k] as string]));
}
