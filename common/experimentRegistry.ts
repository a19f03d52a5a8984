import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatasetError } from './errors.js';

/** One experiment: enough to reproduce it (config, seed, commit, model and data hashes) and its numbers. */
export interface Experiment {
  readonly id: string;
  readonly at: string;
  readonly gitCommit: string;
  readonly seed: number;
  /** What was run: `calibrate` (the default) or a `train liveness` trial. */
  readonly kind?: 'calibrate' | 'train-liveness';
  readonly options: Readonly<Record<string, unknown>>;
  readonly model: string;
  readonly modelHash: string;
  readonly dataManifestSha256: string | null;
  readonly attackManifestSha256: string | null;
  readonly metrics: Record<string, number | null>;
  readonly report: string | null;
}

/** Appends an experiment (numbered after the last one) as one JSON line, fsynced: a crash never leaves a half-written earlier entry. */
export function appendExperiment(file: string, fields: Omit<Experiment, 'id'>): Experiment {
  const e: Experiment = { id: `exp-${String(readExperiments(file).length + 1).padStart(4, '0')}`, ...fields };
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(e)}\n`, { mode: 0o600 });
  const fd = openSync(file, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return e;
}

/** Every recorded experiment; a damaged line is reported with its number (and the others still read). */
export function readExperiments(file: string, onBadLine: (line: number) => void = () => {}): Experiment[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => {
      if (!l.trim()) return [];
      try {
        return [JSON.parse(l) as Experiment];
      } catch {
        onBadLine(i + 1);
        return [];
      }
    });
}

export function findExperiment(all: readonly Experiment[], id: string, file: string): Experiment {
  const e = all.find((x) => x.id === id);
  if (!e) throw new DatasetError(`no experiment ${id} in ${file} (facelock experiments lists them)`);
  return e;
}

/** Side by side: every metric of two experiments and their difference, and what differs in how they were made. */
export function compareExperiments(a: Experiment, b: Experiment): { metrics: string[][]; differences: string[] } {
  const keys = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])];
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(Math.round(v * 1e5) / 1e5));
  const metrics = keys.map((k) => {
    const x = a.metrics[k] ?? null;
    const y = b.metrics[k] ?? null;
    return [k, f(x), f(y), x !== null && y !== null ? f(y - x) : '-'];
  });
  const differences: string[] = [];
  if (a.modelHash !== b.modelHash) differences.push(`model: ${a.model} vs ${b.model}`);
  if (a.dataManifestSha256 !== b.dataManifestSha256) differences.push('data: different images (manifest hashes differ): not comparable');
  if (a.gitCommit !== b.gitCommit) differences.push(`commit: ${a.gitCommit} vs ${b.gitCommit}`);
  if (a.seed !== b.seed) differences.push(`seed: ${a.seed} vs ${b.seed}`);
  for (const k of new Set([...Object.keys(a.options), ...Object.keys(b.options)]))
    if (JSON.stringify(a.options[k]) !== JSON.stringify(b.options[k]))
      differences.push(`${k}: ${JSON.stringify(a.options[k])} vs ${JSON.stringify(b.options[k])}`);
  return { metrics, differences };
}
