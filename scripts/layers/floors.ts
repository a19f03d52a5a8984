import type { ImportEdge } from './importGraph.js';

/**
 * The floors of the code, bottom to top. A file may import its own floor's folder and any lower floor, never a higher
 * one, and never a neighbour on its own floor (enroll/ and calibration/ stay apart). Tests (`*.test.ts`) and the test
 * helpers in test/ stand outside the floors: they may import anything, and nothing but tests imports them.
 */
export const FLOORS: readonly { readonly level: number; readonly folders: readonly string[]; readonly holds: string }[] = [
  { level: 0, folders: ['common'], holds: 'errors, logging, seeded random, hashing, plots, experiment registry, score calibration' },
  { level: 1, folders: ['model'], holds: 'networks, runtime, face geometry, pose bins, face quality, liveness at run time' },
  { level: 2, folders: ['device'], holds: 'ports, adapters, store, config and the daemon (`facelock run`)' },
  { level: 3, folders: ['enroll', 'calibration'], holds: 'enrollment; evaluation and threshold choice (each on the floors below)' },
  { level: 4, folders: ['training'], holds: 'training of our own models' },
  { level: 5, folders: ['cli'], holds: 'the one place commands are registered: the `facelock` executable' },
  { level: 6, folders: ['scripts'], holds: 'benchmarks, the hardware-in-the-loop suite, one-off tools' },
];

export const FLOOR_FOLDERS: readonly string[] = FLOORS.flatMap((f) => f.folders);

const isTest = (file: string) => file.endsWith('.test.ts') || file.startsWith('test/');

/** The floor a file stands on: its top folder's, or undefined for tests and files outside the floors. */
export function floorOf(file: string): { readonly level: number; readonly folder: string } | undefined {
  if (isTest(file)) return undefined;
  const folder = file.split('/')[0] ?? '';
  const floor = FLOORS.find((f) => f.folders.includes(folder));
  return floor ? { level: floor.level, folder } : undefined;
}

/** Every import that breaks the rule, as `from:line -> to (why)`. */
export function floorViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = floorOf(e.from);
    if (!from) continue;
    const where = `${e.from}:${e.line} -> ${e.to}`;
    if (isTest(e.to)) {
      out.push(`${where} (product code imports a test or a test helper)`);
      continue;
    }
    const to = floorOf(e.to);
    if (!to) out.push(`${where} (outside every floor)`);
    else if (to.level > from.level)
      out.push(`${where} (${from.folder}/ is floor ${from.level}, ${to.folder}/ is floor ${to.level}: upward)`);
    else if (to.level === from.level && to.folder !== from.folder)
      out.push(`${where} (${from.folder}/ and ${to.folder}/ share floor ${from.level}: neighbours do not import each other)`);
  }
  return out;
}
