import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type LfwPair, readLfwPairs } from '../../calibration/lfwPairs.js';
import { datasetDir } from '../../common/datasets.js';

/** A fixed, spread-out sample of real images from each dataset, for latency: same files on every run. */
export function latencyImages(perDataset: number): string[] {
  const out: string[] = [];
  const every = <T>(list: readonly T[], n: number) => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n);
  const lfw = datasetDir('lfw');
  if (lfw) {
    const names = readdirSync(join(lfw, 'images')).sort();
    out.push(...every(names, perDataset).map((n) => join(lfw, 'images', n, `${n}_0001.jpg`)));
  }
  const orl = datasetDir('orl');
  if (orl)
    out.push(
      ...every(
        Array.from({ length: 40 }, (_, i) => join(orl, `s${i + 1}`, '1.pgm')),
        perDataset,
      ),
    );
  const yale = datasetDir('yale');
  if (yale)
    out.push(
      ...every(
        readdirSync(yale)
          .filter((f) => f.startsWith('subject'))
          .sort(),
        perDataset,
      ).map((f) => join(yale, f)),
    );
  const nuaa = datasetDir('nuaa');
  if (nuaa) {
    const clients = readdirSync(join(nuaa, 'ClientRaw')).sort();
    out.push(...every(clients, perDataset).map((c) => join(nuaa, 'ClientRaw', c, readdirSync(join(nuaa, 'ClientRaw', c)).sort()[0] ?? '')));
  }
  return out;
}

/** The distinct images of the chosen lfw-dev folds, sorted, with their identities. */
export function lfwFoldImages(folds: readonly number[]): { dir: string; images: { path: string; identity: string }[]; pairs: LfwPair[] } {
  const dir = datasetDir('lfw');
  if (!dir) throw new Error('lfw-dev is not on this machine (set FACELOCK_DATASETS)');
  const pairs = readLfwPairs(dir).filter((p) => folds.includes(p.fold));
  const paths = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  return { dir, pairs, images: paths.map((p) => ({ path: join(dir, p), identity: p.split('/')[1] ?? p })) };
}

/** One frame of each of `n` NUAA clients (640x480 webcam JPEGs): what a door's camera gives. */
export function cameraFrames(n: number): string[] {
  const nuaa = datasetDir('nuaa');
  if (!nuaa) throw new Error('nuaa-train is not on this machine (set FACELOCK_DATASETS)');
  const clients = readdirSync(join(nuaa, 'ClientRaw')).sort().slice(0, n);
  return clients.map((c) => join(nuaa, 'ClientRaw', c, readdirSync(join(nuaa, 'ClientRaw', c)).sort()[0] ?? ''));
}
